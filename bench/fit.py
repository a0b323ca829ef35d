"""Least-squares polynomial fits, to say how a cost grows with the number of interviews."""

from __future__ import annotations

from collections.abc import Sequence


def polynomial(xs: Sequence[float], ys: Sequence[float], degree: int) -> list[float] | None:
    """Coefficients ``[a, b, c, ...]`` of ``a + b·x + c·x² ...``; None with too few points.

    Solved from the normal equations by Gaussian elimination with partial pivoting;
    the x values are scaled first so that x² and x⁴ of a few thousand stay well
    conditioned.
    """
    if len(xs) != len(ys) or len(xs) <= degree:
        return None
    scale = max(abs(x) for x in xs) or 1.0
    points = [(x / scale, y) for x, y in zip(xs, ys, strict=True)]
    size = degree + 1
    matrix = [[sum(x ** (i + j) for x, _ in points) for j in range(size)] for i in range(size)]
    vector = [sum(y * x**i for x, y in points) for i in range(size)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda row: abs(matrix[row][col]))
        if abs(matrix[pivot][col]) < 1e-12:
            return None
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        vector[col], vector[pivot] = vector[pivot], vector[col]
        for row in range(col + 1, size):
            factor = matrix[row][col] / matrix[col][col]
            for k in range(col, size):
                matrix[row][k] -= factor * matrix[col][k]
            vector[row] -= factor * vector[col]
    scaled = [0.0] * size
    for row in reversed(range(size)):
        rest = sum(matrix[row][k] * scaled[k] for k in range(row + 1, size))
        scaled[row] = (vector[row] - rest) / matrix[row][row]
    return [coefficient / scale**power for power, coefficient in enumerate(scaled)]


def _term(value: float, unit: str) -> str:
    return f" {'−' if value < 0 else '+'} {abs(value):.2f} {unit}"


def describe_quadratic(coefficients: Sequence[float]) -> str:
    """``0.70 s + 7.60 ms·n + 23.50 µs·n²``, the way the issue writes it."""
    a, b, c = coefficients
    return f"{a:.2f} s" + _term(b * 1e3, "ms·n") + _term(c * 1e6, "µs·n²")


def describe_linear(coefficients: Sequence[float]) -> str:
    a, b = coefficients
    return f"{a:.2f} s" + _term(b * 1e3, "ms·n")
