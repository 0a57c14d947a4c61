"""The page tree's rules (content/models.py): a municipality's home page sits at the root, its one places index under
it, place pages under that and nothing under a place page. Asserted with Wagtail's own page test case, and a place
page created through the real admin form."""

from django.contrib.auth import get_user_model
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from content.models import HomePage, PlaceIndexPage, PlacePage, RoutePage
from gis.models import Place
from tests.factories import PlaceFactory, PlacePageFactory


class PageTreeTests(WagtailPageTestCase):
    def test_a_home_page_sits_at_the_root_and_holds_only_a_places_index(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {PlaceIndexPage})
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(HomePage, PlacePage)

    def test_a_places_index_sits_under_a_home_page_once_and_holds_place_pages(self):
        self.assertAllowedParentPageTypes(PlaceIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(PlaceIndexPage, {PlacePage, RoutePage})
        self.assertCanCreateAt(HomePage, PlaceIndexPage)
        self.assertCanNotCreateAt(Page, PlaceIndexPage)
        self.assertCanNotCreateAt(PlaceIndexPage, PlaceIndexPage)
        athens_home = HomePage.objects.get(locale__language_code="el", slug="athens")
        assert PlaceIndexPage.objects.child_of(athens_home).count() == 1
        assert not PlaceIndexPage.can_create_at(athens_home)  # max_count_per_parent = 1: it has its index

    def test_a_place_page_sits_under_a_places_index_and_holds_nothing(self):
        self.assertAllowedParentPageTypes(PlacePage, {PlaceIndexPage})
        self.assertAllowedSubpageTypes(PlacePage, set())
        self.assertCanCreateAt(PlaceIndexPage, PlacePage)
        self.assertCanNotCreateAt(Page, PlacePage)
        for child in (HomePage, PlaceIndexPage, PlacePage):
            self.assertCanNotCreateAt(PlacePage, child)

    def test_an_administrator_creates_a_place_page_through_the_admin(self):
        place = PlaceFactory(name_el="Βουλή των Ελλήνων")
        index = PlaceIndexPage.objects.get(locale__language_code="el", url_path__startswith="/athens/")
        self.client.force_login(get_user_model().objects.get(username="admin"))
        data = nested_form_data(
            {
                "title": "Βουλή των Ελλήνων",
                "slug": "vouli-ton-ellinon",
                "place": place.pk,
                "summary": "Το μέγαρο της Βουλής στην πλατεία Συντάγματος.",
                "body": streamfield([]),
                "gallery_images": inline_formset([]),
                "comments": inline_formset([]),
            }
        )
        self.assertCanCreate(index, PlacePage, data)
        page = PlacePage.objects.get(slug="vouli-ton-ellinon")
        assert page.live and page.place == place and page.get_parent().specific == index

    def test_place_pages_and_the_index_render(self):
        page = PlacePageFactory(place=PlaceFactory(name_el="Βουλή των Ελλήνων"))
        self.assertPageIsRenderable(page)
        self.assertPageIsRenderable(page, route_path="qr-svg/")
        index = page.get_parent().specific
        self.assertPageIsRenderable(index)
        record = Place.objects.filter(municipality__slug="athens", pages__isnull=True).first()
        self.assertPageIsRenderable(index, route_path=f"p/{record.uid}/")
