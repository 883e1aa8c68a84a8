"""The README's screenshots, taken in headless Chromium: `python tests/e2e/make_readme_shots.py`.

Each page at 1280×720 in presenter mode (what a projector shows), the Playground in the normal
mode and in the dark theme. Not a test (pytest does not collect it): the images are kept in git
beside this file, so they change only when someone means them to.
"""

from __future__ import annotations

from e2e_helpers import ROOT, launch_chromium, open_page, serve
from playwright.sync_api import sync_playwright

HERE = ROOT / "tests" / "e2e"
SHOTS = {  # file → (link, colour scheme, frames to step back from the start, or None)
    "readme-playground.png": ("/", "light", 6),
    "readme-present-playground.png": ("/?present=1", "light", 6),
    "readme-present-data.png": ("/data?present=1", "light", None),
    "readme-present-lab.png": ("/learning-rate?present=1", "light", 24),
    "readme-present-predict.png": ("/predict?present=1", "light", None),
    "readme-dark-playground.png": ("/?cmp=optimizers&opts=gd,momentum,adam", "dark", 12),
}


def main() -> None:
    with serve(ROOT / "app.py") as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name, (link, scheme, step) in SHOTS.items():
            context = browser.new_context(viewport={"width": 1280, "height": 720},
                                          color_scheme=scheme)  # fmt: skip
            page = context.new_page()
            open_page(page, url + link)
            if step is not None:  # mid-descent, with the −∇f arrow showing
                page.evaluate("document.activeElement && document.activeElement.blur()")
                page.keyboard.press("Home")
                for _ in range(step):
                    page.keyboard.press("ArrowRight")
                    page.wait_for_timeout(60)
            page.mouse.move(1270, 710)  # no hover label
            page.wait_for_timeout(600)
            page.screenshot(path=str(HERE / name))
            print("wrote", HERE / name)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
