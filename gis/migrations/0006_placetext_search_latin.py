"""Latin-script search: the ELOT 743 transliteration of every public text, indexed; and texts for every place.

``xenagos_elot743(text)`` romanises Greek by ELOT 743 (the Greek standard, adopted by the United Nations for
geographical names in 1987 and the basis of ISO 843:1997; the system of Greek passports and road signs), then drops
every accent and lower-cases: «Ακρόπολη» -> ``akropoli``, «Ναύπλιο» -> ``nafplio``, «Μπούρτζι» -> ``bourtzi``. Text that
is already Latin passes through without its accents ("Café" -> ``cafe``). It is written in SQL, once, because it
must run inside PostgreSQL: it feeds a generated column of the Greek texts (``gis.PlaceText.search_latin``, with the
``xenagos_en`` configuration, whose stemmer forgives a Latin "-s": "Akropolis"), so every writer of texts, the
importers' bulk SQL included, indexes the transliteration without knowing of it; and the same function turns a
visitor's query into the same form (gis.search). Tested against the standard's examples in
tests/gis/test_search.py.

The rules, in the order applied (to the lower-cased text decomposed into letters and accents, NFD):

=====================  ====================================================================================
αυ ευ ηυ               av ev iv before a vowel or β γ δ ζ λ μ ν ρ; af ef if otherwise (before θ κ ξ π σ τ φ χ ψ
                       and at the end of a word). Not a diphthong when the first letter carries the accent
                       (άυλος -> aylos) or the υ a diaeresis (αϋπνία -> aypnia).
ου                     ou (not with a diaeresis on the υ)
γγ γξ γχ               ng nx nch (γκ stays gk)
μπ                     b at the beginning or the end of a word, mp inside it
θ χ ψ                  th ch ps
α β γ δ ε ζ η ι κ λ μ  a v g d e z i i k l m
ν ξ ο π ρ σ ς τ υ φ ω  n x o p r s s t y f o
accents, diaeresis     dropped (so are Latin ones)
=====================  ====================================================================================

Places that have no texts yet (saved in the admin before texts were written on every save) get their source names,
as gis.services.place_texts_from_source writes them.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

MARKS = r"[\u0300-\u036f]"  # combining accents, as NFD leaves them
TONOS, DIAERESIS = "\u0301", "\u0308"
VOICED = "αεηιουωβγδζλμνρ"  # after αυ ευ ηυ: v before these, f otherwise
LETTER = "α-ω" + r"\u0300-\u036f"  # a Greek letter or an accent: μπ next to one is inside a word
GREEK, LATIN = "αβγδεζηικλμνξοπρσςτυφωϊϋ", "avgdeziiklmnxoprsstyfoiy"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# PL/pgSQL so that the costlier rules (regular expressions) run only on the names that need them.
FUNCTION = rf"""
CREATE FUNCTION xenagos_elot743(source text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    s text := normalize(lower(source COLLATE "und-x-icu"), NFD);  -- ICU: Greek lower case whatever the locale
BEGIN
    IF s !~ '[α-ω]' THEN
        RETURN regexp_replace(s, '{MARKS}', '', 'g');  -- Latin already: accents dropped
    END IF;
    -- a diaeresis breaks a diphthong: keep it on its letter (ϊ, ϋ are not ι, υ)
    s := replace(replace(s, 'υ' || {_literal(DIAERESIS)}, 'ϋ'), 'ι' || {_literal(DIAERESIS)}, 'ϊ');
    IF strpos(s, 'υ') > 0 THEN
        s := regexp_replace(s, '([αεη])υ{TONOS}?(?=[{VOICED}])', '\1v', 'g');
        s := regexp_replace(s, '([αεη])υ{TONOS}?', '\1f', 'g');
        s := replace(s, 'ου', 'ou');
    END IF;
    IF strpos(s, 'μπ') > 0 THEN
        s := regexp_replace(s, '(^|[^{LETTER}])μπ', '\1b', 'g');
        s := regexp_replace(s, 'μπ($|[^{LETTER}])', 'b\1', 'g');
    END IF;
    s := replace(replace(replace(s, 'γγ', 'ng'), 'γξ', 'nx'), 'γχ', 'nch');
    s := replace(replace(replace(s, 'θ', 'th'), 'χ', 'ch'), 'ψ', 'ps');
    RETURN translate(regexp_replace(s, '{MARKS}', '', 'g'), {_literal(GREEK)}, {_literal(LATIN)});
END
$$"""


TEXTS_FOR_EVERY_PLACE = """
    INSERT INTO xgis_placetext (place_id, language, name, summary, url, image_url, image_alt, from_page)
    SELECT p.id, l.code, CASE WHEN l.code = 'en' THEN coalesce(nullif(p.name_en, ''), p.name_el) ELSE p.name_el END,
           '', '', '', '', false
    FROM xgis_place p CROSS JOIN (VALUES ('el'), ('en')) AS l(code)
    WHERE NOT EXISTS (SELECT 1 FROM xgis_placetext t WHERE t.place_id = p.id AND t.language = l.code)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("xgis", "0005_place_feature_cache_truncate"),
    ]

    operations = [
        migrations.RunSQL(sql=[FUNCTION], reverse_sql=["DROP FUNCTION xenagos_elot743(text)"]),
        migrations.AddField(
            model_name="placetext",
            name="search_latin",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(
                        language="el",
                        then=django.contrib.postgres.search.SearchVector(
                            models.Func(models.F("name"), function="xenagos_elot743", output_field=models.TextField()),
                            config=models.Value("xenagos_en"),
                        ),
                    ),
                    default=None,
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="placetext",
            index=GinIndex(fields=["search_latin"], name="placetext_search_latin"),
        ),
        migrations.RunSQL(sql=[TEXTS_FOR_EVERY_PLACE], reverse_sql=migrations.RunSQL.noop),
    ]
