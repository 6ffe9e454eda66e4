#!/usr/bin/python3
"""Draws every activation in the running service's catalogue and its derivative
over [-6, 6], one panel each; every point comes from the service.

    /usr/bin/python3 examples/python/plot_catalogue.py --target 127.0.0.1:50051 --out catalogue.png
"""
import argparse
import math
import os

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from activation_client import ActivationClient, sample_params  # noqa: E402

COLUMNS = 5


def curves(client, info, x):
    """f(x) and f'(x) from one Gradient call. A row-wise function (softmax) is
    drawn along the first element of the rows (x, 0)."""
    params = sample_params(info)
    if info.rowwise:
        rows = np.stack([x, np.zeros_like(x)], axis=1)
        grad, y = client.gradient(info.name, rows, params=params, include_output=True)
        return y[:, 0], grad[:, 0]
    grad, y = client.gradient(info.name, x, params=params, include_output=True)
    return y, grad


def title(info):
    params = sample_params(info)
    suffix = ", ".join(f"{k}={v:g}" for k, v in params.items())
    defaults = ", ".join(f"{p.name}={p.default_value:g}" for p in info.parameters if not p.required)
    shown = ", ".join(s for s in (defaults, suffix) if s)
    return info.name + (f" ({shown})" if shown else "") + (" [row (x, 0)]" if info.rowwise else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default=os.environ.get("ACTIVATION_TARGET", "127.0.0.1:50051"))
    parser.add_argument("--out", default="catalogue.png")
    args = parser.parse_args()

    x = np.linspace(-6.0, 6.0, 601, dtype=np.float32)
    with ActivationClient(args.target) as client:
        catalogue = client.catalogue()
        rows = math.ceil(len(catalogue) / COLUMNS)
        fig, axes = plt.subplots(rows, COLUMNS, figsize=(3.6 * COLUMNS, 2.8 * rows), squeeze=False,
                                 layout="constrained")
        for ax, info in zip(axes.flat, catalogue):
            y, dy = curves(client, info, x)
            ax.plot(x, y, label="f(x)", color="tab:blue")
            ax.plot(x, dy, label="f'(x)", color="tab:orange", linestyle="--")
            ax.axhline(0, color="gray", linewidth=0.5)
            ax.axvline(0, color="gray", linewidth=0.5)
            ax.set_title(title(info), fontsize=9)
            ax.set_xlim(-6, 6)
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[len(catalogue):]:
            ax.axis("off")
        axes.flat[0].legend(loc="upper left", fontsize=8)
    fig.suptitle("activation.v1 catalogue: f and f' over [-6, 6], computed by the service")
    fig.savefig(args.out, dpi=80)
    print(f"wrote {args.out}: {len(catalogue)} activations")


if __name__ == "__main__":
    main()
