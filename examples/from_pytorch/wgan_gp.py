"""WGAN-GP in the way PyTorch-GAN's `wgan_gp.py` writes it (Gulrajani et al.,
2017): a generator and a critic (MLPs), Adam with betas (0.5, 0.999), and
the gradient penalty: the critic's gradient at points between real and
fake samples, taken with `autograd.grad(..., create_graph=True)` so that
the critic's loss is differentiated through it (second order through
LeakyReLU and Linear layers). Small sizes (4x4 random "images") so that an
epoch runs in a moment; NumPy's global generator draws the noise and the
interpolation weights, as in the original.
"""
import argparse

import numpy as np
import minigrad as torch
import minigrad.nn as nn
from minigrad import autograd
from minigrad.utils.data import DataLoader, TensorDataset

opt = argparse.Namespace(n_epochs=1, batch_size=16, lr=0.0002, b1=0.5, b2=0.999, latent_dim=8,
                         img_size=4, channels=1, n_critic=5)
img_shape = (opt.channels, opt.img_size, opt.img_size)
Tensor = torch.FloatTensor


class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()

        def block(in_feat, out_feat, normalize=True):
            layers = [nn.Linear(in_feat, out_feat)]
            if normalize:
                layers.append(nn.BatchNorm1d(out_feat, 0.8))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        self.model = nn.Sequential(
            *block(opt.latent_dim, 16, normalize=False),
            *block(16, 32),
            *block(32, 64),
            nn.Linear(64, int(np.prod(img_shape))),
            nn.Tanh()
        )

    def forward(self, z):
        img = self.model(z)
        img = img.view(img.shape[0], *img_shape)
        return img


class Discriminator(nn.Module):
    def __init__(self):
        super(Discriminator, self).__init__()
        self.model = nn.Sequential(
            nn.Linear(int(np.prod(img_shape)), 32),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(32, 16),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(16, 1),
        )

    def forward(self, img):
        img_flat = img.view(img.shape[0], -1)
        validity = self.model(img_flat)
        return validity


def real_images(n=96, seed=0):
    g = np.random.default_rng(seed)
    images = np.tanh(g.normal(0.5, 0.7, (n, *img_shape))).astype(np.float32)
    return torch.from_numpy(images), torch.zeros(n, dtype=torch.long)


def compute_gradient_penalty(D, real_samples, fake_samples):
    alpha = Tensor(np.random.random((real_samples.shape[0], 1, 1, 1)))
    interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)
    d_interpolates = D(interpolates)
    fake = Tensor(real_samples.shape[0], 1).fill_(1.0)
    gradients = autograd.grad(
        outputs=d_interpolates,
        inputs=interpolates,
        grad_outputs=fake,
        create_graph=True,
        retain_graph=True,
        only_inputs=True,
    )[0]
    gradients = gradients.view(gradients.size(0), -1)
    gradient_penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean()
    return gradient_penalty


def initial_weights(seed=0):
    torch.manual_seed(seed)
    weights = {"generator." + k: v.numpy() for k, v in Generator().state_dict().items()}
    weights.update({"discriminator." + k: v.numpy() for k, v in Discriminator().state_dict().items()})
    return weights


def part(init, prefix):
    return {k[len(prefix):]: torch.tensor(v) for k, v in init.items() if k.startswith(prefix)}


def run(init=None, verbose=False):
    init = initial_weights() if init is None else init
    np.random.seed(0)
    lambda_gp = 10
    generator = Generator()
    discriminator = Discriminator()
    generator.load_state_dict(part(init, "generator."))
    discriminator.load_state_dict(part(init, "discriminator."))
    dataloader = DataLoader(TensorDataset(*real_images()), batch_size=opt.batch_size, shuffle=False)
    optimizer_G = torch.optim.Adam(generator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))
    optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))

    batches_done = 0
    for epoch in range(opt.n_epochs):
        for i, (imgs, _) in enumerate(dataloader):
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
                if verbose:
                    print(f"[Epoch {epoch}/{opt.n_epochs}] [Batch {i}/{len(dataloader)}] "
                          f"[D loss: {d_loss.item()}] [G loss: {g_loss.item()}]")
                batches_done += opt.n_critic
    return d_loss.item()


if __name__ == "__main__":
    print(f"final critic loss: {run(verbose=True):.6g}")
