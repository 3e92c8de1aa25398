"""The desk-policy upload form: a TOML file or pasted text, and whether only to check it."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import UploadFile

__all__ = ["PolicyUploadForm"]


@dataclass
class PolicyUploadForm:
    """What the "Carregar política" form posts (multipart: the file is optional)."""

    source: str = ""
    """The document pasted in the text area (used when no file is chosen)."""
    file: UploadFile | None = None
    """The chosen .toml file; wins over the text area."""
    dry_run: str = ""
    """"on" when "Só verificar" is ticked."""

    async def document(self) -> tuple[str, str | None]:
        """The document's text and file name; UnicodeDecodeError for a file that is not UTF-8."""
        if self.file is not None and self.file.filename:
            raw = await self.file.read()
            return raw.decode("utf-8"), self.file.filename
        return self.source, None
