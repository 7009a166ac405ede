"""Photos of offerings and partner logos: checked, re-encoded and stored on disk.

Uploads are untrusted. Each file is checked before anything is decoded: its size in bytes
(at most :data:`MAX_BYTES`), its real format (Pillow's ``formats=`` allow-list, never the
file name) and its pixel count from the header (at most :data:`MAX_PIXELS`). Pillow itself
only warns at ~89 MP and refuses at ~179 MP, far above what a tourist photo needs, and its
limit is a process-wide setting; our limit is explicit and checked per call, before
``load()``. A file that passes is decoded, turned upright (EXIF orientation), converted to
sRGB if it carries an ICC profile (the profile is dropped if it cannot be applied), scaled to
at most :data:`MAX_EDGE` px, copied pixel by pixel into a new image and written as a fresh
JPEG: nothing of the original file (EXIF with GPS, XMP, comments, ICC, scripts in comments
or text chunks) survives. :func:`clean_orphans` removes files no database row refers to
(a submission stopped between writing its photos and saving its rows). Files are written
under a temporary name and moved into place with ``os.replace``, so a reader never sees half
a file.

The photo directory is ``CATALOGUE_PHOTOS`` (default ``data/photos/`` in the repository);
rows in the ``photos`` table keep paths relative to it.
"""

from __future__ import annotations

import io
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from catalogue.atomic_file import write_atomic
from catalogue.taxonomy import check_language

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PHOTOS_DIR = REPO_ROOT / "data" / "photos"

ALLOWED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP")
ALLOWED_EXTENSIONS: tuple[str, ...] = ("jpg", "jpeg", "png", "webp")
MAX_PHOTOS = 5
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_EDGE = 1600
THUMB_EDGE = 320
LOGO_EDGE = 600
JPEG_QUALITY = 85

_MESSAGES: dict[str, dict[str, str]] = {
    "too_large": {
        "pl": "„{name}”: plik ma {size_mb} MB, a dozwolone jest najwyżej {max_mb} MB. "
        "Zmniejsz zdjęcie albo zapisz je w niższej jakości.",
        "en": '"{name}": the file has {size_mb} MB but at most {max_mb} MB is allowed. '
        "Make the photo smaller or save it at a lower quality.",
        "uk": "«{name}»: файл має {size_mb} МБ, а дозволено щонайбільше {max_mb} МБ. "
        "Зменште фото або збережіть його в нижчій якості.",
    },
    "empty": {
        "pl": "„{name}”: plik jest pusty.",
        "en": '"{name}": the file is empty.',
        "uk": "«{name}»: файл порожній.",
    },
    "bad_format": {
        "pl": "„{name}”: to nie jest zdjęcie JPEG, PNG ani WebP (sprawdzono zawartość, nie "
        "nazwę pliku). Zapisz zdjęcie w jednym z tych formatów.",
        "en": '"{name}": this is not a JPEG, PNG or WebP photo (the content was checked, not '
        "the file name). Save the photo in one of these formats.",
        "uk": "«{name}»: це не фото JPEG, PNG або WebP (перевірено вміст, а не назву "
        "файлу). Збережіть фото в одному з цих форматів.",
    },
    "too_many_pixels": {
        "pl": "„{name}”: zdjęcie ma {width}×{height} px ({megapixels} Mpx), a dozwolone jest "
        "najwyżej {max_mp} Mpx. Zmniejsz je przed wysłaniem.",
        "en": '"{name}": the photo is {width}×{height} px ({megapixels} MP) but at most '
        "{max_mp} MP is allowed. Scale it down before sending.",
        "uk": "«{name}»: фото має {width}×{height} пікс. ({megapixels} Мпікс), а дозволено "
        "щонайбільше {max_mp} Мпікс. Зменште його перед надсиланням.",
    },
    "pixel_bomb": {
        "pl": "„{name}”: zdjęcie ma o wiele więcej pikseli niż dozwolone {max_mp} Mpx. "
        "Zmniejsz je przed wysłaniem.",
        "en": '"{name}": the photo has far more pixels than the allowed {max_mp} MP. '
        "Scale it down before sending.",
        "uk": "«{name}»: фото має значно більше пікселів, ніж дозволені {max_mp} Мпікс. "
        "Зменште його перед надсиланням.",
    },
    "broken": {
        "pl": "„{name}”: pliku nie da się odczytać (uszkodzony albo niekompletny). Wyślij go "
        "jeszcze raz albo zapisz ponownie w programie do zdjęć.",
        "en": '"{name}": the file cannot be read (damaged or incomplete). Send it again or '
        "save it again in a photo program.",
        "uk": "«{name}»: файл неможливо прочитати (пошкоджений або неповний). Надішліть "
        "його ще раз або збережіть повторно у програмі для фото.",
    },
    "too_many_photos": {
        "pl": "Do oferty można dodać najwyżej {max} zdjęć (już jest {existing}, wybrano "
        "{added}). Usuń nadmiarowe.",
        "en": "An offering can have at most {max} photos ({existing} already, {added} "
        "chosen). Remove the extra ones.",
        "uk": "До пропозиції можна додати щонайбільше {max} фото (вже є {existing}, вибрано "
        "{added}). Видаліть зайві.",
    },
}


class PhotoError(ValueError):
    """An upload refused; ``message(lang)`` says why in Polish, English or Ukrainian."""

    def __init__(self, code: str, **params) -> None:
        if code not in _MESSAGES:
            raise ValueError(f"unknown photo error {code!r}")
        self.code = code
        self.params = params
        super().__init__(f"{self.message('pl')} / {self.message('en')}")

    def message(self, lang: str = "pl") -> str:
        """The reason in ``lang``."""
        return _MESSAGES[self.code][check_language(lang)].format(**self.params)


@dataclass(frozen=True)
class StoredPhoto:
    """A re-encoded photo on disk; paths are relative to the photo directory."""

    id: str
    path: str
    thumb_path: str
    width: int
    height: int
    source_name: str = field(default="", compare=False)


def photos_dir() -> Path:
    """The photo directory: ``CATALOGUE_PHOTOS`` or ``data/photos/`` in the repository."""
    configured = os.environ.get("CATALOGUE_PHOTOS", "").strip()
    return Path(configured).resolve() if configured else DEFAULT_PHOTOS_DIR


def resolve(relative: str, base: Path | None = None) -> Path:
    """Absolute path of a stored photo path; ``ValueError`` if it points outside the dir."""
    root = (base or photos_dir()).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"photo path outside the photo directory: {relative!r}")
    return path


def read_limited(upload: BinaryIO | bytes, name: str = "") -> bytes:
    """The bytes of an upload, refusing more than :data:`MAX_BYTES` before reading them all.

    ``upload`` may be bytes or a binary file object (e.g. Streamlit's ``UploadedFile``);
    a file object is read at most one byte past the limit.
    """
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if isinstance(size, int) and size > MAX_BYTES:
            raise _too_large(name, size)
        # Always from the start, and back to it: a second reader of the same upload (the
        # header check after a failed save) must not see an empty file.
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
        if hasattr(upload, "seek"):
            upload.seek(0)
    if len(data) > MAX_BYTES:
        raise _too_large(name, len(data))
    if not data:
        raise PhotoError("empty", name=name)
    return data


def _too_large(name: str, size: int) -> PhotoError:
    return PhotoError(
        "too_large",
        name=name,
        size_mb=f"{size / 1024 / 1024:.1f}",
        max_mb=MAX_BYTES // (1024 * 1024),
    )


def inspect_image(data: bytes, name: str = "") -> tuple[str, int, int]:
    """(format, width, height) from the header only; :class:`PhotoError` if not allowed.

    Nothing is decoded here: ``Image.open`` reads the header, and the pixel limit is
    checked before any caller calls ``load()``.
    """
    data = read_limited(data, name)
    try:
        with Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS)) as image:
            fmt, (width, height) = str(image.format), image.size
    except UnidentifiedImageError:
        raise PhotoError("bad_format", name=name) from None
    except Image.DecompressionBombError:
        # Pillow's own, much higher limit fired while reading the header.
        raise PhotoError("pixel_bomb", name=name, max_mp=MAX_PIXELS // 1_000_000) from None
    except Exception:
        raise PhotoError("broken", name=name) from None
    _check_pixels(name, width, height)
    return fmt, width, height


def _check_pixels(name: str, width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise PhotoError("broken", name=name)
    if width * height > MAX_PIXELS:
        raise PhotoError(
            "too_many_pixels",
            name=name,
            width=width,
            height=height,
            megapixels=f"{width * height / 1e6:.0f}",
            max_mp=MAX_PIXELS // 1_000_000,
        )


def reencode(data: bytes, name: str = "", max_edge: int = MAX_EDGE) -> Image.Image:
    """The decoded, upright RGB image scaled to ``max_edge``; :class:`PhotoError` if refused."""
    data = read_limited(data, name)
    try:
        with Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS)) as image:
            _check_pixels(name, *image.size)
            if image.format == "JPEG":
                # Lets libjpeg decode at 1/2, 1/4 or 1/8 scale: less memory for big photos.
                image.draft("RGB", (max_edge, max_edge))
            image.load()
            upright = _to_srgb(ImageOps.exif_transpose(image))
            rgb = _pixels_only(_flatten(upright))
    except PhotoError:
        raise
    except UnidentifiedImageError:
        raise PhotoError("bad_format", name=name) from None
    except Image.DecompressionBombError:
        raise PhotoError("pixel_bomb", name=name, max_mp=MAX_PIXELS // 1_000_000) from None
    except Exception:
        # Truncated or corrupt data surfaces here, when the pixels are actually decoded; a
        # hostile file can make a decoder or the EXIF parser raise almost anything.
        raise PhotoError("broken", name=name) from None
    rgb.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    return rgb


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels converted from the image's ICC profile to sRGB; unconverted if that fails.

    Either way no profile is kept: the stored JPEG is sRGB, which browsers assume.
    """
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    try:
        from PIL import ImageCms

        mode = "RGBA" if "A" in image.getbands() else "RGB"
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
        return converted if converted is not None else image
    except Exception:  # a broken or hostile profile: keep the pixels, drop the profile
        return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image made from the pixels alone: no ``info`` (comment, EXIF, XMP, ICC) at all."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no alpha, and transparent logos should not turn black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # No exif=, icc_profile= or comment: the output carries pixels only.
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def store_photo(
    data: bytes, name: str = "", base: Path | None = None, subdir: str = "products"
) -> StoredPhoto:
    """Check, re-encode and write one photo and its thumbnail; returns where they are."""
    image = reencode(data, name)
    thumb = image.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    root = base or photos_dir()
    photo_id = uuid.uuid4().hex
    path = f"{subdir}/{photo_id}.jpg"
    thumb_path = f"{subdir}/{photo_id}_thumb.jpg"
    write_atomic(root / path, _jpeg_bytes(image))
    write_atomic(root / thumb_path, _jpeg_bytes(thumb))
    return StoredPhoto(photo_id, path, thumb_path, image.width, image.height, name)


def store_photos(
    uploads: Iterable[tuple[str, BinaryIO | bytes]],
    existing: int = 0,
    base: Path | None = None,
) -> tuple[list[StoredPhoto], list[PhotoError]]:
    """Store every acceptable upload of ``(name, file)``; the refused ones come back as errors.

    At most :data:`MAX_PHOTOS` per offering including ``existing`` ones: too many and none
    is stored (the partner chooses which to drop).
    """
    uploads = list(uploads)
    if existing + len(uploads) > MAX_PHOTOS:
        return [], [
            PhotoError("too_many_photos", max=MAX_PHOTOS, existing=existing, added=len(uploads))
        ]
    stored: list[StoredPhoto] = []
    errors: list[PhotoError] = []
    for name, upload in uploads:
        try:
            stored.append(store_photo(read_limited(upload, name), name, base))
        except PhotoError as exc:
            errors.append(exc)
    return stored, errors


def store_logo(data: BinaryIO | bytes, name: str = "", base: Path | None = None) -> Path:
    """Check and re-encode a partner logo (max :data:`LOGO_EDGE` px); its absolute path.

    The partner directory opens ``logo_path`` as a plain path, so the absolute one is kept.
    """
    image = reencode(read_limited(data, name), name, max_edge=LOGO_EDGE)
    root = base or photos_dir()
    path = root / "logos" / f"{uuid.uuid4().hex}.jpg"
    write_atomic(path, _jpeg_bytes(image))
    return path.resolve()


def delete_files(photos: Iterable[StoredPhoto | dict], base: Path | None = None) -> None:
    """Remove the files of photos (after a failed save or a removal); missing files are fine."""
    for photo in photos:
        paths = (
            (photo.path, photo.thumb_path)
            if isinstance(photo, StoredPhoto)
            else (photo["path"], photo["thumb_path"])
        )
        for relative in paths:
            try:
                resolve(relative, base).unlink(missing_ok=True)
            except ValueError:
                continue


def referenced_files(store) -> set[str]:
    """Paths (relative to the photo directory, or absolute for logos) that rows refer to."""
    import sqlalchemy as sa

    from catalogue.schema import partners_table, photos_table

    with store.read() as conn:
        photos = conn.execute(sa.select(photos_table.c.path, photos_table.c.thumb_path)).all()
        logos = conn.execute(sa.select(partners_table.c.logo_path)).scalars().all()
    return {p for row in photos for p in row if p} | {str(p) for p in logos if p}


def clean_orphans(
    referenced: Iterable[str],
    base: Path | None = None,
    older_than_seconds: float = 600.0,
    now: float | None = None,
) -> list[Path]:
    """Delete photo and logo files that no row refers to; returns what was deleted.

    ``referenced`` is :func:`referenced_files` of the store. Only files older than
    ``older_than_seconds`` go (a submission in flight writes its files a moment before its
    rows); leftover temporary files of an interrupted write go too.
    """
    root = (base or photos_dir()).resolve()
    keep = set()
    for path in referenced:
        candidate = Path(path)
        keep.add((candidate if candidate.is_absolute() else root / candidate).resolve())
    limit = (time.time() if now is None else now) - older_than_seconds
    deleted = []
    for subdir in ("products", "logos"):
        folder = root / subdir
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if not path.is_file() or path.resolve() in keep:
                continue
            try:
                if path.stat().st_mtime > limit:
                    continue
                path.unlink()
                deleted.append(path)
            except OSError:
                continue
    return deleted


__all__ = [
    "ALLOWED_EXTENSIONS",
    "ALLOWED_FORMATS",
    "MAX_BYTES",
    "MAX_PHOTOS",
    "MAX_PIXELS",
    "PhotoError",
    "StoredPhoto",
    "clean_orphans",
    "delete_files",
    "inspect_image",
    "photos_dir",
    "read_limited",
    "referenced_files",
    "reencode",
    "resolve",
    "store_logo",
    "store_photo",
    "store_photos",
]
