"""The tutorial programs ported from PyTorch (examples/from_pytorch/) give
PyTorch's answer: each runs here beside the same program written in PyTorch,
on the same data from the same initial weights, and the final losses agree
to float32 rounding (both programs compute in float32).

The PyTorch twins below are the tutorials as PyTorch users write them; the
weights PyTorch draws are copied into the minigrad program (`init=`).
"""
import importlib.util
import math
import random
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

PORTS = Path(__file__).resolve().parent.parent.parent / "examples" / "from_pytorch"
# float32 rounding, carried through hundreds of steps that sum 2,000 terms
# in a different order (NumPy's pairwise sum against PyTorch's kernels).
RTOL = 1e-5


def port(name):
    """examples/from_pytorch/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(f"from_pytorch_{name}", PORTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def arrays(state_dict):
    return {k: v.detach().numpy().copy() for k, v in state_dict.items()}


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# ---- Learning PyTorch with Examples: the polynomial fits ----------------------

def torch_polynomial_autograd(init, steps):
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.tensor(init[k], dtype=dtype, requires_grad=True) for k in "abcd")
    learning_rate = 1e-6
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return loss.item()


class TorchLegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


def torch_polynomial_custom_function(init, steps):
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.full((), init[k], dtype=dtype, requires_grad=True) for k in "abcd")
    learning_rate = 5e-6
    for t in range(steps):
        P3 = TorchLegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return loss.item()


def torch_polynomial_nn(steps, use_optim):
    """Returns (final loss, the initial weights as arrays)."""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    init = arrays(model.state_dict())
    loss_fn = torch.nn.MSELoss(reduction='sum')
    if use_optim:
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if use_optim:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        else:
            model.zero_grad()
            loss.backward()
            with torch.no_grad():
                for param in model.parameters():
                    param -= 1e-6 * param.grad
    return loss.item(), init


@pytest.mark.parametrize("name, twin", [("polynomial_autograd", torch_polynomial_autograd),
                                         ("polynomial_custom_function", torch_polynomial_custom_function)])
def test_polynomial_by_hand_matches_pytorch(name, twin):
    g = np.random.default_rng(1)
    if name == "polynomial_autograd":
        init = dict(zip("abcd", g.standard_normal(4).astype(np.float32).tolist()))
    else:   # the tutorial's start, moved a little
        init = dict(zip("abcd", (np.array([0.0, -1.0, 0.0, 0.3]) + 0.05 * g.standard_normal(4))
                        .astype(np.float32).tolist()))
    steps = 300
    expected = twin(init, steps)
    got = port(name).run(steps=steps, init=init)
    assert got == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("name", ["polynomial_nn", "polynomial_optim"])
def test_polynomial_nn_matches_pytorch(name):
    torch.manual_seed(2)
    steps = 300
    expected, init = torch_polynomial_nn(steps, use_optim=name == "polynomial_optim")
    got = port(name).run(steps=steps, init=init)
    assert got == pytest.approx(expected, rel=RTOL)


class TorchPolynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3


class TorchDynamicNet(TorchPolynomial3):
    def __init__(self):
        super().__init__()
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y


def torch_polynomial_module(steps, dynamic, seed):
    """Returns (final loss, initial weights)."""
    random.seed(seed)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    model = TorchDynamicNet() if dynamic else TorchPolynomial3()
    init = arrays(model.state_dict())
    criterion = torch.nn.MSELoss(reduction='sum')
    if dynamic:
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range(steps):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item(), init


@pytest.mark.parametrize("dynamic", [False, True], ids=["Polynomial3", "DynamicNet"])
def test_polynomial_module_matches_pytorch(dynamic):
    torch.manual_seed(7)
    steps = 300
    expected, init = torch_polynomial_module(steps, dynamic, seed=7)
    module = port("polynomial_module")
    got = (module.run_dynamic if dynamic else module.run)(seed=7, steps=steps, init=init)
    assert got == pytest.approx(expected, rel=RTOL)


# ---- the 60-minute blitz: LeNet --------------------------------------------------

class TorchNet(torch.nn.Module):
    def __init__(self):
        super(TorchNet, self).__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5)
        self.conv2 = torch.nn.Conv2d(6, 16, 5)
        self.fc1 = torch.nn.Linear(16 * 5 * 5, 120)
        self.fc2 = torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, 10)

    def forward(self, x):
        F = torch.nn.functional
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def torch_lenet(data, steps):
    net = TorchNet()
    init = arrays(net.state_dict())
    input = torch.tensor(data["input"])
    out = net(input)
    net.zero_grad()
    out.backward(torch.tensor(data["grad"]))
    output = net(input)
    target = torch.tensor(data["target"]).view(1, -1)
    criterion = torch.nn.MSELoss()
    loss = criterion(output, target)
    net.zero_grad()
    loss.backward()
    learning_rate = 0.01
    for f in net.parameters():
        f.data.sub_(f.grad.data * learning_rate)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    for step in range(steps):
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
    return loss.item(), init


def test_lenet_blitz_matches_pytorch():
    g = np.random.default_rng(3)
    data = {"input": g.standard_normal((1, 1, 32, 32)).astype(np.float32),
            "grad": g.standard_normal((1, 10)).astype(np.float32),
            "target": g.standard_normal(10).astype(np.float32)}
    torch.manual_seed(3)
    steps = 10
    expected, init = torch_lenet(data, steps)
    got = port("lenet_blitz").run(steps=steps, init=init, data=data)
    assert got == pytest.approx(expected, rel=RTOL)


# ---- Dive into Deep Learning: softmax regression from scratch --------------------

def torch_softmax_regression(init, batches, num_epochs):
    W = torch.tensor(init["W"], requires_grad=True)
    b = torch.tensor(init["b"], requires_grad=True)

    def softmax(X):
        X_exp = torch.exp(X)
        partition = X_exp.sum(1, keepdim=True)
        return X_exp / partition

    def net(X):
        return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)

    def cross_entropy(y_hat, y):
        return - torch.log(y_hat[range(len(y_hat)), y])

    def sgd(params, lr, batch_size):
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    for epoch in range(num_epochs):
        total, count = 0.0, 0
        for X, y in batches:
            X, y = torch.from_numpy(X.numpy()), torch.from_numpy(y.numpy())  # minigrad batches: Variables
            y_hat = net(X)
            l = cross_entropy(y_hat, y)
            l.sum().backward()
            sgd([W, b], 0.1, X.shape[0])
            total += float(l.sum().detach())
            count += y.numel()
    return total / count


def test_softmax_regression_d2l_matches_pytorch():
    pytest.importorskip("sklearn")
    module = port("softmax_regression_d2l")
    g = np.random.default_rng(4)
    init = {"W": (0.01 * g.standard_normal((64, 10))).astype(np.float32), "b": np.zeros(10, np.float32)}
    train_iter, _ = module.load_data_digits(256)
    num_epochs = 3
    expected = torch_softmax_regression(init, list(train_iter), num_epochs)
    got = module.run(num_epochs=num_epochs, init=init)
    assert got == pytest.approx(expected, rel=RTOL)


def torch_softmax_regression_concise(batches, num_epochs):
    """Returns (final loss, initial weights)."""
    nn = torch.nn
    net = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))

    def init_weights(m):
        if type(m) == nn.Linear:
            nn.init.normal_(m.weight, std=0.01)

    net.apply(init_weights)
    init = arrays(net.state_dict())
    loss = nn.CrossEntropyLoss(reduction='none')
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    for epoch in range(num_epochs):
        net.train()
        total, count = 0.0, 0
        for X, y in batches:
            X, y = torch.from_numpy(X.numpy()), torch.from_numpy(y.numpy())  # minigrad batches: Variables
            y_hat = net(X)
            l = loss(y_hat, y)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
            total += float(l.sum().detach())
            count += y.numel()
    return total / count, init


def test_softmax_regression_d2l_concise_matches_pytorch():
    pytest.importorskip("sklearn")
    module = port("softmax_regression_d2l")
    train_iter, _ = module.load_data_digits(256)
    torch.manual_seed(6)
    num_epochs = 3
    expected, init = torch_softmax_regression_concise(list(train_iter), num_epochs)
    got = module.run_concise(num_epochs=num_epochs, init=init)
    assert got == pytest.approx(expected, rel=RTOL)


# ---- PyTorch-GAN's WGAN-GP: the gradient penalty, second order ---------------------

def torch_wgan_gp(module, seed):
    """The same training in PyTorch, on the port's data and options;
    returns (last critic loss, initial weights)."""
    nn, opt, img_shape = torch.nn, module.opt, module.img_shape

    class Generator(nn.Module):
        def __init__(self):
            super(Generator, self).__init__()

            def block(in_feat, out_feat, normalize=True):
                layers = [nn.Linear(in_feat, out_feat)]
                if normalize:
                    layers.append(nn.BatchNorm1d(out_feat, 0.8))
                layers.append(nn.LeakyReLU(0.2, inplace=True))
                return layers

            self.model = nn.Sequential(*block(opt.latent_dim, 16, normalize=False), *block(16, 32),
                                       *block(32, 64), nn.Linear(64, int(np.prod(img_shape))), nn.Tanh())

        def forward(self, z):
            img = self.model(z)
            return img.view(img.shape[0], *img_shape)

    class Discriminator(nn.Module):
        def __init__(self):
            super(Discriminator, self).__init__()
            self.model = nn.Sequential(nn.Linear(int(np.prod(img_shape)), 32), nn.LeakyReLU(0.2, inplace=True),
                                       nn.Linear(32, 16), nn.LeakyReLU(0.2, inplace=True), nn.Linear(16, 1))

        def forward(self, img):
            return self.model(img.view(img.shape[0], -1))

    Tensor = torch.FloatTensor

    def compute_gradient_penalty(D, real_samples, fake_samples):
        alpha = Tensor(np.random.random((real_samples.size(0), 1, 1, 1)))
        interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)
        d_interpolates = D(interpolates)
        fake = Tensor(real_samples.shape[0], 1).fill_(1.0)
        gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates, grad_outputs=fake,
                                        create_graph=True, retain_graph=True, only_inputs=True)[0]
        gradients = gradients.view(gradients.size(0), -1)
        return ((gradients.norm(2, dim=1) - 1) ** 2).mean()

    np.random.seed(seed)
    lambda_gp = 10
    generator, discriminator = Generator(), Discriminator()
    init = {"generator": arrays(generator.state_dict()), "discriminator": arrays(discriminator.state_dict())}
    imgs_all, _ = module.real_images(seed=seed)
    optimizer_G = torch.optim.Adam(generator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))
    optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))
    for epoch in range(opt.n_epochs):
        for i, start in enumerate(range(0, len(imgs_all), opt.batch_size)):
            imgs = torch.from_numpy(imgs_all[start:start + opt.batch_size])
            real_imgs = imgs.type(Tensor)
            optimizer_D.zero_grad()
            z = Tensor(np.random.normal(0, 1, (imgs.shape[0], opt.latent_dim)))
            fake_imgs = generator(z)
            real_validity = discriminator(real_imgs)
            fake_validity = discriminator(fake_imgs)
            gradient_penalty = compute_gradient_penalty(discriminator, real_imgs.data, fake_imgs.data)
            d_loss = -torch.mean(real_validity) + torch.mean(fake_validity) + lambda_gp * gradient_penalty
            d_loss.backward()
            optimizer_D.step()
            optimizer_G.zero_grad()
            if i % opt.n_critic == 0:
                fake_imgs = generator(z)
                fake_validity = discriminator(fake_imgs)
                g_loss = -torch.mean(fake_validity)
                g_loss.backward()
                optimizer_G.step()
    return d_loss.item(), init


def test_wgan_gp_matches_pytorch():
    module = port("wgan_gp")
    torch.manual_seed(5)
    expected, init = torch_wgan_gp(module, seed=5)
    got = module.run(seed=5, init=init)
    assert got == pytest.approx(expected, rel=RTOL)
