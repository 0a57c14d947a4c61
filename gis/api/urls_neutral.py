"""An empty URLconf: API responses name it as their ``request.urlconf`` so that LocaleMiddleware does not turn an
API 404 (an OGC exception document) into a redirect to a language-prefixed URL."""

urlpatterns: list = []
