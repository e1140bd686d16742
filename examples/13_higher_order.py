# %% [markdown]
# # Lesson 13: derivatives of derivatives
#
# In minigrad a gradient is itself a Variable made by ops, so with
# `create_graph=True` the backward pass records a graph of its own, and
# that graph can be differentiated again. This lesson does it three ways:
#
# 1. **tanh to order 6.** Each derivative of y = tanh(x) is a polynomial in
#    y (dy/dx = 1 - y², d²y/dx² = -2y(1 - y²), ...). minigrad gets each one by
#    differentiating the graph of the one before; the lesson checks them
#    against the polynomials and draws the graphs as they grow.
# 2. **Newton's method.** On Rosenbrock's valley f(x, y) = (1 - x)² + 100 (y - x²)²
#    the gradient and the Hessian (the gradient of each gradient component)
#    come from double backprop; the Newton step solves H d = -g. It reaches
#    the minimum (1, 1) in a handful of steps where gradient descent crawls.
# 3. **A Hessian-vector product.** H v = d/dw <df/dw, v> costs a few
#    gradients whatever the size of w, while forming H costs one backward
#    pass through the gradient's graph per coordinate (so its cost grows
#    with n: the lesson prints how many gradients' time each took at its n,
#    100, or 30 with `--quick`); the lesson checks both give the same
#    vector and times them.

# %%
"""Lesson 13: higher-order derivatives by double backprop: tanh to order 6
and its growing graphs, Newton's method, a Hessian-vector product.

    python examples/13_higher_order.py [--quick] [--out DIR]
"""
import time

import numpy as np

import _common
from _common import F, mg, plt, report
from minigrad.viz.graph import Graph

ORDERS = 6          # derivatives of tanh, 1 ... ORDERS
DRAWN_ORDERS = (1, 2, 3)   # the graphs drawn (order 4's is already too big to read)


# %% [markdown]
# ## 1. tanh to order 6
#
# `mg.grad([y.sum()], [x], create_graph=True)` returns dy/dx as a Variable
# whose graph is the backward pass just run. Because tanh acts on each
# element alone, the gradient of the sum is the elementwise derivative, so
# one call per order gives the next derivative at every point of the grid.
# The reference: if the k-th derivative is P_k(y) then the next one is
# P_k'(y) (1 - y²), so the P_k are polynomials NumPy can build.

# %%
def tanh_derivatives(x, orders):
    """[tanh(x), d tanh/dx, ..., d^orders tanh/dx^orders] as Variables,
    each one differentiated from the graph of the one before."""
    derivatives = [F.tanh(x)]
    for _ in range(orders):
        (next_derivative,) = mg.grad([derivatives[-1].sum()], [x], create_graph=True)
        derivatives.append(next_derivative)
    return derivatives


def tanh_derivative_polynomials(orders):
    """P_0(y) = y and P_{k+1}(y) = P_k'(y) (1 - y**2): d^k tanh/dx^k = P_k(tanh x)."""
    polynomials = [np.polynomial.Polynomial([0.0, 1.0])]
    for _ in range(orders):
        polynomials.append(polynomials[-1].deriv() * np.polynomial.Polynomial([1.0, 0.0, -1.0]))
    return polynomials


def derivative_name(y, order):
    """'dy/dx', 'd²y/dx²', ... for the picture's labels."""
    power = "" if order == 1 else "⁰¹²³⁴⁵⁶⁷⁸⁹"[order]
    return f"d{power}{y}/dx{power}"


def graph_size(y):
    """How many Functions the graph behind Variable y holds."""
    return len(Graph([y]).functions)


# %% [markdown]
# ## 2. Newton's method by double backprop
#
# The gradient g = df/dp comes with `create_graph=True`; the Hessian's row i
# is the gradient of g[i]. One Newton step solves H d = -g (NumPy's
# `linalg.solve`) and moves to p + d.

# %%
def rosenbrock(p):
    """f(x, y) = (1 - x)**2 + 100 (y - x**2)**2, minimum 0 at (1, 1)."""
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def gradient_and_hessian(f, p):
    """f's value, gradient and Hessian at the 1-d array p, by double backprop."""
    p = mg.Variable(p)
    value = f(p)
    (g,) = mg.grad([value], [p], create_graph=True)
    rows = [mg.grad([g[i]], [p])[0].data for i in range(len(p.data))]
    return value.item(), g.data, np.stack(rows)


def newton(f, start, steps):
    """The points of `steps` Newton steps from `start`."""
    path = [np.asarray(start, dtype=np.float64)]
    for _ in range(steps):
        _, g, H = gradient_and_hessian(f, path[-1])
        path.append(path[-1] - np.linalg.solve(H, g))
    return np.array(path)


def gradient_descent(f, start, steps, lr):
    """The points of `steps` gradient-descent steps from `start`."""
    path = [np.asarray(start, dtype=np.float64)]
    for _ in range(steps):
        p = mg.Variable(path[-1])
        (g,) = mg.grad([f(p)], [p])
        path.append(path[-1] - lr * g.data)
    return np.array(path)


# %% [markdown]
# ## 3. A Hessian-vector product
#
# The loss of a least-squares fit through tanh, f(w) = mean((tanh(X w) - t)²)/2,
# for a weight vector w of n numbers. `mg.hvp(f, w, v)` builds the gradient
# with its graph, takes its dot product with v and differentiates that once
# more: two backward passes. `mg.hessian(f, w)` needs one backward pass per
# coordinate of w.

# %%
def least_squares_through_tanh(n, m=200, seed=0):
    """f(w) = mean((tanh(X @ w) - t)**2) / 2 for a random X of shape (m, n)."""
    rng = np.random.default_rng(seed)
    X = mg.Variable(rng.normal(size=(m, n)) / np.sqrt(n))
    t = mg.Variable(rng.uniform(-0.5, 0.5, size=m))

    def f(w):
        return F.mean((F.tanh(X @ w) - t) ** 2) / 2
    return f


def seconds(work, repeat=3):
    """The best of `repeat` timings of work() (noisy on a busy machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


# %% [markdown]
# ## Running it

# %%
def main(argv=None):
    args = _common.parse_args("13_higher_order", __doc__, argv)
    fig = plt.figure(figsize=(15, 9))
    grid = fig.add_gridspec(2, 3, height_ratios=[1, 1.15])

    # 1. tanh to order 6, checked against the polynomials.
    xs = np.linspace(-3, 3, 121)
    derivatives = tanh_derivatives(mg.Variable(xs), ORDERS)
    polynomials = tanh_derivative_polynomials(ORDERS)
    curves = fig.add_subplot(grid[0, 0])
    for order, (derivative, polynomial) in enumerate(zip(derivatives, polynomials)):
        error = np.abs(derivative.data - polynomial(np.tanh(xs))).max()
        if order:
            report(f"order {order} max |minigrad - polynomial|", f"{error:.2e}")
        curves.plot(xs, derivative.data, label="tanh" if order == 0 else f"order {order}")
    curves.set(title="tanh and its derivatives (cut at ±8)", xlabel="x", ylabel="derivative", ylim=(-8, 8))
    curves.legend(fontsize=8, ncol=2)

    # The graphs, on one number so that they can be read.
    x = mg.Variable(np.array(0.5), name="x")
    derivatives = tanh_derivatives(x, ORDERS)
    sizes = [graph_size(derivative) for derivative in derivatives]
    for order, size in enumerate(sizes):
        report(f"order {order} graph functions", size)
    bars = fig.add_subplot(grid[0, 1])
    bars.bar(range(ORDERS + 1), sizes, color="tab:purple")
    bars.set(title="the graph of each derivative", xlabel="order of the derivative",
             ylabel="functions in its graph", yscale="log")
    for order in DRAWN_ORDERS:
        derivatives[order].name = derivative_name("y", order)
        picture = _common.render_graph(args.out / f"graph_order{order}.png", derivatives[order],
                                       show=("name", "value"))
        panel = fig.add_subplot(grid[1, DRAWN_ORDERS.index(order)])
        panel.set_title(f"graph of {derivative_name('tanh', order)} at x = 0.5: {sizes[order]} functions")
        panel.axis("off")
        if picture is None:
            panel.text(0.5, 0.5, "(install Graphviz to see the graph)", ha="center")
        else:
            panel.imshow(plt.imread(picture))

    # 2. Newton's method against gradient descent on Rosenbrock's valley.
    start = np.array([-1.2, 1.0])
    newton_path = newton(rosenbrock, start, steps=6)
    descent_steps = 500 if args.quick else 5000
    descent_path = gradient_descent(rosenbrock, start, descent_steps, lr=1e-3)
    for name, path in (("Newton", newton_path), ("gradient descent", descent_path)):
        distance = np.linalg.norm(path[-1] - 1)
        report(f"{name} steps", len(path) - 1)
        report(f"{name} distance to the minimum", f"{distance:.2e}")
    for k, p in enumerate(newton_path):
        print(f"  Newton step {k}: x={p[0]: .10f} y={p[1]: .10f} f={rosenbrock(p):.3e}")
    valley = fig.add_subplot(grid[0, 2])
    gx, gy = np.meshgrid(np.linspace(-1.6, 1.6, 200), np.linspace(-3.4, 1.8, 200))
    valley.contour(gx, gy, np.log1p(rosenbrock(np.stack([gx, gy]))), levels=20, cmap="Greys")
    valley.plot(*descent_path.T, ".-", color="tab:orange", markersize=2,
                label=f"gradient descent, {descent_steps} steps")
    valley.plot(*newton_path.T, "o-", color="tab:blue", label=f"Newton, {len(newton_path) - 1} steps")
    valley.plot(1, 1, "r*", markersize=12)
    valley.set(title="Rosenbrock's valley", xlabel="x", ylabel="y")
    valley.legend(fontsize=8, loc="lower right")
    _common.save_figure(fig, args.out / "higher_order.png")

    # 3. A Hessian-vector product, checked against the full Hessian.
    rng = np.random.default_rng(1)
    n = 30 if args.quick else 100
    f = least_squares_through_tanh(n)
    w, v = rng.normal(size=n), rng.normal(size=n)
    product = mg.hvp(f, w, v)
    hessian = mg.hessian(f, w)
    report(f"n={n} max |hvp - hessian @ v|", f"{np.abs(product - hessian @ v).max():.2e}")
    report(f"n={n} hessian symmetric to", f"{np.abs(hessian - hessian.T).max():.2e}")

    def gradient():
        wv = mg.Variable(w)
        mg.grad([f(wv)], [wv])
    times = {"one gradient": seconds(gradient), "hvp": seconds(lambda: mg.hvp(f, w, v)),
             "full hessian": seconds(lambda: mg.hessian(f, w), repeat=1)}
    for name, took in times.items():
        report(f"n={n} seconds for {name}", f"{took:.4f}")
    report(f"n={n} hvp / gradient time", times["hvp"] / times["one gradient"], digits=1)
    report(f"n={n} hessian / gradient time", times["full hessian"] / times["one gradient"], digits=1)
    print(f"at n = {n} the Hessian-vector product took {times['hvp'] / times['one gradient']:.1f} gradients' time, "
          f"the full Hessian {times['full hessian'] / times['one gradient']:.0f}")
    _common.quick_note(args, "13_higher_order", ["the full Hessian's cost at n = 100"])


# %%
if __name__ == "__main__":
    main()
