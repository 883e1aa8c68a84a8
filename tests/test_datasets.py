"""Data sources: the seed's example, the generator, CSV parsing and its messages for students."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.datasets import (
    MAX_BYTES,
    MAX_ROWS,
    DataError,
    default_columns,
    generate,
    numeric_columns,
    read_csv,
    seed_dataset,
    to_dataset,
)
from gdviz.problems import seed_example
from gdviz.theory import curvature


def load(text: str | bytes, x: str | None = None, y: str | None = None):
    """read_csv then to_dataset on the named (default: first two numeric) columns."""
    table = read_csv(text.encode() if isinstance(text, str) else text)
    numeric = numeric_columns(table)
    return to_dataset(table, x or numeric[0], y or numeric[1])


def test_seed_dataset_is_the_seed_notes_problem():
    problem = seed_dataset().problem(standardise=False)
    np.testing.assert_array_equal(problem.X, seed_example().X)
    np.testing.assert_array_equal(problem.y, [2, 5, 9])
    np.testing.assert_allclose(problem.solution, [-31 / 6, 3.5])
    assert curvature(problem.hessian()).condition_number == pytest.approx(168.7, rel=1e-3)


@pytest.mark.parametrize("dataset", [seed_dataset(), generate(500, 1, 2, 1, 0, 10, 0)])
def test_standardising_makes_the_valley_round(dataset):
    X = dataset.design(standardise=True)
    np.testing.assert_allclose(X.T @ X / dataset.size, np.eye(2), atol=1e-12)
    assert curvature(dataset.problem(True).hessian()).condition_number == pytest.approx(1.0)


@pytest.mark.parametrize("standardise", [False, True])
def test_line_is_the_model_in_original_units(standardise):
    dataset = generate(50, 3, -1, 0.5, -2, 5, 1)
    theta = np.array([0.7, -1.3])
    np.testing.assert_allclose(
        dataset.line(theta, dataset.x, standardise), dataset.design(standardise) @ theta
    )


def test_generator_is_seeded_and_exact_without_noise():
    first, again = generate(1000, 1, 2, 1, 0, 10, 7), generate(1000, 1, 2, 1, 0, 10, 7)
    np.testing.assert_array_equal(first.x, again.x)
    np.testing.assert_array_equal(first.y, again.y)
    assert not np.array_equal(first.y, generate(1000, 1, 2, 1, 0, 10, 8).y)
    assert first.x.min() >= 0 and first.x.max() <= 10
    exact = generate(100, -4, 0.5, 0, 1, 3, 0).problem(False)
    np.testing.assert_allclose(exact.solution, [-4, 0.5], atol=1e-9)


@pytest.mark.parametrize(
    ("arguments", "size", "note"),
    [
        ((0, 1, 2, 1, 0, 10, 0), 2, ""),  # n clipped up to 2
        ((10**6, 1, 2, 1, 0, 10, 0), MAX_ROWS, ""),  # and down to the cap
        ((10, 1, 2, -3, 0, 10, 0), 10, ""),  # negative noise means none
        ((10, 1, 2, 1, 10, 0, 0), 10, ""),  # reversed range
        ((10, 1, 2, 1, 4, 4, 0), 10, "widened"),  # zero-width range
    ],
)
def test_generator_controls_cannot_make_invalid_data(arguments, size, note):
    dataset = generate(*arguments)
    assert dataset.size == size and np.ptp(dataset.x) > 0
    assert note in dataset.note
    assert np.all(np.isfinite(dataset.problem(True).solution))


@pytest.mark.parametrize(
    "text",
    [
        "x,y\n1,2\n2,4\n3,7\n",
        "1,2\n2,4\n3,7\n",  # no header
        "x;y\n1;2\n2;4\n3;7\n",
        "x\ty\n1\t2\n2\t4\n3\t7\n",
        '"x","y"\r\n"1","2"\r\n"2","4"\r\n"3","7"\r\n',
        "\ufeffx,y,\n1,2,\n\n2,4,\n3,7,\n\n",  # BOM, trailing separators, blank lines
        "name,x,y\na,1,2\nb,2,4\nc,3,7\n",  # a text column is fine
    ],
)
def test_good_csv_files(text):
    dataset = load(text)
    np.testing.assert_array_equal(dataset.x, [1, 2, 3])
    np.testing.assert_array_equal(dataset.y, [2, 4, 7])


def test_csv_without_header_names_columns_and_picks_numeric_ones():
    table = read_csv(b"1,2\n3,4\n")
    assert table.columns == ("column 1", "column 2")
    assert numeric_columns(read_csv(b"name,x,y\na,1,2\nb,2,3\n")) == ["x", "y"]
    assert default_columns(read_csv(b"name,x,y\na,1,2\nb,2,3\n")) == ("x", "y")
    assert default_columns(read_csv(b"a,b,c\nu,1,w\nv,2,z\n")) == ("b", "a")


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
        ("x,y\n1,2\n2,\xe9\n".encode("latin-1"), "not a UTF-8 text file"),
        (b"x\n1\n2\n3\n", "only one column"),
        (b"x,y\n1,2\n", "1 data row;"),
        (b"x,y\n", "0 data rows"),
        (b"x,y\n1,2\n2,4,5\n3,7\n", "Row 3 has 3 values, but the header has 2 columns"),
        (b"x,y\n1,2\n2\n", "Row 3 has 1 value,"),
        (b"x,y\n" + b"1,2\n" * (MAX_ROWS + 1), "more than 100,000 data rows"),
        (b"x,y\n" + b"1,2\n" * (MAX_BYTES // 4 + 1), "the limit is 5 MB"),
        (b'x,y\n1,"' + b"a" * 140_000 + b'"\n', "Row 2 is not valid CSV"),
    ],
)
def test_bad_files_get_a_clear_message(data, phrase):
    with pytest.raises(DataError, match=phrase):
        load(data, "x", "y")


@pytest.mark.parametrize(
    ("text", "x", "message"),
    [
        ("x,y\n1,2\n2,abc\n3,7\n", "x", "Row 3, column 'y': 'abc' is not a number."),
        ("x,y\n1,2\n2,4\n,7\n", "x", "Row 4, column 'x' is empty (a missing value)"),
        ("x,y\n1,2\nnan,4\n3,7\n", "x", "Row 3, column 'x': 'nan' is not a finite number."),
        ("x,y\n1,2\n2,-inf\n3,7\n", "x", "Row 3, column 'y': '-inf' is not a finite number."),
        ("x,y\n1,2\n2,1e300\n", "x", "Row 3, column 'y': 1e300 is too large"),
        ("x;y\n1;2\n2;4,5\n", "x", "'4,5' is not a number. Use a point for decimals"),
        ("x,y\n3,2\n3,4\n3,7\n", "x", "Column 'x' is constant (every value is 3)"),
        ("x,y\n1,2\n2,4\n", "y", "Choose two different columns"),
    ],
)
def test_bad_values_name_their_row_and_column(text, x, message):
    with pytest.raises(DataError) as caught:
        load(text, x, "y")
    assert message in str(caught.value)


def test_a_generated_data_set_survives_a_csv_round_trip():
    dataset = generate(300, 1.5, -2, 0.3, -1, 1, 3)
    text = "x,y\n" + "".join(
        f"{float(a)!r},{float(b)!r}\n" for a, b in zip(dataset.x, dataset.y, strict=True)
    )
    loaded = load(text)
    np.testing.assert_array_equal(loaded.x, dataset.x)
    np.testing.assert_array_equal(loaded.y, dataset.y)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(alphabet=',;\t\n\r"x 0123456789.e-na', max_size=200).map(str.encode),
    )
)
def test_any_bytes_give_a_dataset_or_a_data_error(data):
    try:
        table = read_csv(data)
        dataset = to_dataset(table, table.columns[0], table.columns[1])
    except DataError:
        return
    assert dataset.size >= 2 and np.all(np.isfinite(dataset.x)) and np.ptp(dataset.x) > 0
