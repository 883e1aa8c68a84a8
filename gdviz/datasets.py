r"""Data for the Data page: the seed's example, generated lines and the student's own CSV file.

A :class:`Dataset` is one feature $x$ and a target $y$. The model is the seed's line
$\hat y = \theta_0 + \theta_1 x$, i.e. least squares on the design matrix $X = [\mathbf 1, x]$
(bias column first, as in the seed). "Standardise x" replaces $x$ by $x' = (x - \bar x)/s$
(population standard deviation $s$): then $\frac{1}{m}X^\top X = I$ and the loss surface is
perfectly round (condition number 1).

Everything a student supplies is checked here; problems raise :class:`DataError` with a message
that names the row and column where possible, e.g. "Row 17, column 'y': 'abc' is not a number."
Rows are counted as in a spreadsheet: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np

from gdviz.problems import LeastSquares

MAX_ROWS = 100_000
MAX_BYTES = 5 * 1024 * 1024
MAX_VALUE = 1e9  # |x| and |y| above this would overflow the squared loss long before descent
SEED_X = (2.0, 3.0, 4.0)
SEED_Y = (2.0, 5.0, 9.0)


class DataError(ValueError):
    """Data the student supplied cannot be used; the message says why, for them."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Feature ``x`` and target ``y`` (both ``(m,)``), their names, and a note for the page."""

    x: np.ndarray
    y: np.ndarray
    x_name: str = "x"
    y_name: str = "y"
    note: str = ""

    @property
    def size(self) -> int:
        return len(self.x)

    def feature(self, standardise: bool) -> np.ndarray:
        """$x$, or $x' = (x - \\bar x)/s$ when ``standardise``."""
        return (self.x - self.x.mean()) / self.x.std() if standardise else self.x

    def design(self, standardise: bool) -> np.ndarray:
        """The design matrix $X = [\\mathbf 1, x]$ (or with $x'$), shape ``(m, 2)``."""
        return np.column_stack([np.ones(self.size), self.feature(standardise)])

    def problem(self, standardise: bool) -> LeastSquares:
        """$J(\\theta) = \\frac{1}{m}\\lVert X\\theta - y\\rVert^2$ on this data."""
        return LeastSquares(self.design(standardise), self.y)

    def line(self, theta: np.ndarray, xs: np.ndarray, standardise: bool) -> np.ndarray:
        """The model's predictions $\\theta_0 + \\theta_1 x$ at original-unit ``xs``."""
        feature = (xs - self.x.mean()) / self.x.std() if standardise else xs
        return theta[0] + theta[1] * feature


def seed_dataset() -> Dataset:
    """The seed note's example: X = [[1,2],[1,3],[1,4]] (bias column first), y = [2,5,9]."""
    return Dataset(np.array(SEED_X), np.array(SEED_Y))


def generate(
    n: int,
    intercept: float,
    slope: float,
    noise: float,
    x_min: float,
    x_max: float,
    seed: int,
) -> Dataset:
    """$y_i = a + b\\,x_i + \\sigma\\,\\varepsilon_i$, $x_i \\sim U[x_{min}, x_{max}]$,
    $\\varepsilon_i \\sim N(0, 1)$, drawn from ``numpy.random.default_rng(seed)``.

    Never produces unusable data: ``n`` is clipped to 2 … 100,000, a negative noise level to 0,
    and a zero-width x range is widened to one unit (with a note saying so).
    """
    n = int(np.clip(n, 2, MAX_ROWS))
    noise = max(float(noise), 0.0)
    low, high = sorted((float(x_min), float(x_max)))
    note = ""
    if high - low < 1e-9:
        high = low + 1.0
        note = f"The x range had zero width, so it was widened to [{low:g}, {high:g}]."
    rng = np.random.default_rng(int(seed))
    x = rng.uniform(low, high, n)
    y = intercept + slope * x + noise * rng.standard_normal(n)
    return Dataset(x, y, note=note)


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file's cells as text: column names, rows of strings, each row's spreadsheet row."""

    columns: tuple[str, ...]
    rows: list[list[str]]
    row_numbers: list[int]


def read_csv(data: bytes) -> Table:
    """Parse an uploaded CSV file (comma, semicolon or tab separated, UTF-8).

    Checks its size, that it is text, that it parses as CSV with a consistent number of
    columns (at least 2) and has 2 … 100,000 data rows. A first row that is all numbers is
    data, not a header (the columns are then called "column 1", "column 2", …).
    """
    if len(data) > MAX_BYTES:
        raise DataError(
            f"The file is {len(data) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB."
        )
    if not data.strip():
        raise DataError("The file is empty.")
    if b"\x00" in data[:65536]:
        raise DataError(
            "This is not a CSV file: it contains binary data. Save your table as "
            "'CSV (comma-separated values)' and upload that."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            f"This is not a UTF-8 text file (unexpected byte 0x{data[error.start]:02x} at "
            f"position {error.start}). Save it as 'CSV UTF-8' and upload it again."
        ) from None
    records = _records(text)
    if not records:
        raise DataError("The file has no rows.")
    header = records[0][1]
    while header and not header[-1].strip():
        header = header[:-1]  # "x,y," has two columns
    has_header = not all(_is_number(cell) for cell in header)
    columns = _column_names(header) if has_header else tuple(
        f"column {i + 1}" for i in range(len(header))
    )  # fmt: skip
    if len(columns) < 2:
        raise DataError(
            f"Found only one column ({columns[0]!r}); the page needs two, x and y. "
            "Are the values separated by commas?"
        )
    body = records[1:] if has_header else records
    for line, row in body:
        if len(row) > len(columns) and not "".join(row[len(columns) :]).strip():
            del row[len(columns) :]  # a trailing separator: empty cells past the last column
        if len(row) != len(columns):
            raise DataError(
                f"Row {line} has {len(row)} value{'s' * (len(row) != 1)}, but the "
                f"{'header' if has_header else 'first row'} has {len(columns)} columns."
            )
    if len(body) < 2:
        raise DataError(
            f"The file has {len(body)} data row{'s' * (len(body) != 1)}; at least 2 are needed "
            "to fit a line."
        )
    return Table(columns, [row for _, row in body], [line for line, _ in body])


def _records(text: str) -> list[tuple[int, list[str]]]:
    """``(row number, cells)`` of every row that is not blank."""
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    records = []
    try:
        for row in reader:
            if not "".join(row).strip():
                continue
            records.append((reader.line_num, row))
            if len(records) > MAX_ROWS + 1:
                raise DataError(
                    f"The file has more than {MAX_ROWS:,} data rows; the page takes at most "
                    f"{MAX_ROWS:,}. Use a sample of your data."
                )
    except csv.Error as error:
        raise DataError(f"Row {reader.line_num} is not valid CSV: {error}.") from None
    return records


def _column_names(header: list[str]) -> tuple[str, ...]:
    """Header cells as unique, non-empty names."""
    names: list[str] = []
    for i, cell in enumerate(header):
        name = cell.strip() or f"column {i + 1}"
        while name in names:
            name += "′"
        names.append(name)
    return tuple(names)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def numeric_columns(table: Table, probe: int = 200) -> list[str]:
    """Columns whose first ``probe`` cells are all numbers: the likely x and y."""
    return [
        name
        for i, name in enumerate(table.columns)
        if all(_is_number(row[i]) for row in table.rows[:probe])
    ]


def default_columns(table: Table) -> tuple[str, str]:
    """The first two numeric columns (or simply the first two): the likely x and y."""
    numeric = numeric_columns(table)
    ordered = numeric + [name for name in table.columns if name not in numeric]
    return ordered[0], ordered[1]


def to_dataset(table: Table, x_column: str, y_column: str) -> Dataset:
    """The two chosen columns as numbers, checked cell by cell."""
    if x_column == y_column:
        raise DataError("Choose two different columns for x and y.")
    x = _numbers(table, x_column)
    y = _numbers(table, y_column)
    if np.ptp(x) == 0:
        raise DataError(
            f"Column {x_column!r} is constant (every value is {x[0]:g}), so no slope can be "
            "fitted: choose another column for x."
        )
    return Dataset(x, y, x_column, y_column)


_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


def _numbers(table: Table, column: str) -> np.ndarray:
    """One column as floats; the first bad cell raises a :class:`DataError` naming it."""
    index = table.columns.index(column)
    cells = [row[index] for row in table.rows]
    try:
        values = np.array(cells, dtype=float)
    except ValueError:
        values = None
    if values is not None and np.all(np.abs(values) <= MAX_VALUE):
        return values
    for line, cell in zip(table.row_numbers, cells, strict=True):
        where = f"Row {line}, column {column!r}"
        text = cell.strip()
        if not text:
            raise DataError(f"{where} is empty (a missing value): fill it in or delete the row.")
        try:
            value = float(text)
        except ValueError:
            hint = " Use a point for decimals (1.5, not 1,5)." if _DECIMAL_COMMA.match(text) else ""
            raise DataError(f"{where}: {text[:30]!r} is not a number.{hint}") from None
        if not np.isfinite(value):
            raise DataError(f"{where}: {text[:30]!r} is not a finite number.")
        if abs(value) > MAX_VALUE:
            raise DataError(f"{where}: {text[:30]} is too large (at most ±{MAX_VALUE:g} here).")
    raise AssertionError("unreachable: some cell failed to convert")  # pragma: no cover
