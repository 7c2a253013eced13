"""One build step beyond pyproject.toml: put the web assets inside the wheel.

templates/, static/ and translations/ sit at the top of the checkout, beside portal/, where
`make run`, the tests and the translators' tools use them. setuptools' package-data only takes
files that lie inside a package, so `build_py` copies them into the built `portal` package:

- templates/ as they are;
- static/ including the vendored DKFDS (static/vendor/dkfds, made by `make assets`), but not the
  test-only axe-core copy nor the stamp files;
- translations/: each .po compiled to .mo here, so a wheel never carries a stale catalogue.

An installed portal then finds them inside its own package (portal.config.ROOT). Editable
installs skip the copy: they read the checkout's folders directly.

A custom build_py, rather than a build backend plugin or symlinks, because it is the hook
setuptools documents for generated package files, runs in every wheel build (pip install .,
pip wheel, python -m build) and needs nothing beyond setuptools and Babel.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

HERE = Path(__file__).resolve().parent
# What scripts/vendor_dkfds.sh produces; without it every page would lack its design system.
VENDORED = HERE / "static" / "vendor" / "dkfds"
# Test-only or bookkeeping files that a production install has no use for.
NOT_SHIPPED = shutil.ignore_patterns(".*", "__pycache__", "axe")


class BuildPyWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        package = Path(self.build_lib) / "portal"
        self._copy_tree(HERE / "templates", package / "templates")
        if not (VENDORED / "css").is_dir():
            raise FileError(
                f"{VENDORED.relative_to(HERE)} is missing: run `make assets` (npm ci and "
                f"scripts/vendor_dkfds.sh) before building the portal."
            )
        self._copy_tree(HERE / "static", package / "static")
        self._compile_catalogues(HERE / "translations", package / "translations")

    def _copy_tree(self, source: Path, target: Path) -> None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=NOT_SHIPPED)

    def _compile_catalogues(self, source: Path, target: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        catalogues = sorted(source.glob("*/LC_MESSAGES/messages.po"))
        if not catalogues:
            raise FileError(f"No message catalogues in {source}.")
        shutil.rmtree(target, ignore_errors=True)
        for po in catalogues:
            mo = target / po.relative_to(source).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as fh:
                catalogue = read_po(fh, locale=po.parent.parent.name)
            with mo.open("wb") as fh:
                write_mo(fh, catalogue)


setup(cmdclass={"build_py": BuildPyWithAssets})
