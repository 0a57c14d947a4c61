"""Helpers of the archive's tests: an item's admin form as a browser posts it, and real sound files."""

import io
import wave

INLINES = ("dc_values", "images", "documents", "media_files")  # the item form's inline formsets


def item_edit_form(item, **inlines: list[dict[str, str]]) -> dict[str, str]:
    """The archive item form's POST data for ``item`` (its title and municipality, nothing else filled in), with the
    rows of each inline formset named in ``inlines`` (``images=[{"image": "3", "alt_el": "…"}]``), new and kept."""
    data = {
        "name_el": item.name_el,
        "name_en": "",
        "municipality": str(item.municipality_id),
        "date_text": "",
        "dc_type": "",
        "rights": "",
        "location": "",
    }
    for relation in INLINES:
        rows = inlines.get(relation, [])
        data.update({f"{relation}-TOTAL_FORMS": str(len(rows)), f"{relation}-INITIAL_FORMS": "0"})
        for number, row in enumerate(rows):
            fields = {"ORDER": str(number + 1), "id": "", "DELETE": "", **row}
            data.update({f"{relation}-{number}-{name}": value for name, value in fields.items()})
    return data


def wav_bytes(seconds: float, *, rate: int = 8000) -> bytes:
    """A real WAV file (Python's ``wave``): ``seconds`` of a 440 Hz square wave, mono, 16 bits."""
    period = rate // 440
    frames = bytearray()
    for n in range(int(seconds * rate)):
        frames += (6000 if (n % period) < period // 2 else -6000).to_bytes(2, "little", signed=True)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()
