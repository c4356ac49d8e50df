"""The Streamlit UI, shipped inside the installed package: `study ui` runs `ui/app.py` from here.

Pages are thin layers over the `Assistant` API (assistant/core.py); no retrieval, answering or
storage logic lives in this package.
"""

from pathlib import Path

APP_PATH = Path(__file__).resolve().parent / "app.py"
FAVICON_PATH = Path(__file__).resolve().parent / "favicon.png"
