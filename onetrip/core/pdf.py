"""What every printable document shares: a Chinese font and the QR code drawn into a page."""

import logging
from functools import cache
from pathlib import Path

logger = logging.getLogger(__name__)
CJK_TTF = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@cache
def cjk_font() -> str:
    """A Chinese font for reportlab: WenQuanYi Micro Hei when installed, else reportlab's CID
    font STSong-Light (no embedding; every PDF reader has it)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if CJK_TTF.exists():
        try:
            pdfmetrics.registerFont(TTFont("OneTripCJK", str(CJK_TTF), subfontIndex=0))
            return "OneTripCJK"
        except (OSError, ValueError, TypeError):  # a broken font file: fall back
            logger.warning("core.pdf_font_unreadable", extra={"path": str(CJK_TTF)})
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def draw_qr(pdf, url: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR code of `url` on a reportlab canvas, `size` points wide, lower left at x, y."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)
