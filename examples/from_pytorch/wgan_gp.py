"""WGAN-GP as PyTorch-GAN's `wgan_gp.py` writes it (Gulrajani et al., 2017).

A generator and a critic (MLPs), Adam with betas (0.5, 0.999), and the
gradient penalty: the critic's gradient at points between real and fake
samples, taken with `grad(..., create_graph=True)` so that the critic's
loss can be differentiated through it (second order, through LeakyReLU and
Linear layers). Small sizes (4x4 "images" drawn at random) so that a few
steps run in a moment.
"""
import argparse

import numpy as np

import minigrad as mg
import minigrad.functions as F
from minigrad import nn
from minigrad.data import DataLoader, TensorDataset

opt = argparse.Namespace(n_epochs=1, batch_size=16, lr=0.0002, b1=0.5, b2=0.999, latent_dim=8,
                         img_size=4, channels=1, n_critic=5)
img_shape = (opt.channels, opt.img_size, opt.img_size)


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
    """The "dataset": n blurry random 4x4 images in [-1, 1], as the
    tutorial's normalised MNIST lies in [-1, 1]."""
    g = np.random.default_rng(seed)
    return np.tanh(g.normal(0.5, 0.7, (n, *img_shape))).astype(np.float32), np.zeros(n, dtype=np.int64)


def compute_gradient_penalty(D, real_samples, fake_samples):
    """Calculates the gradient penalty loss for WGAN GP"""
    # Random weight term for interpolation between real and fake samples
    alpha = mg.tensor(np.random.random((real_samples.shape[0], 1, 1, 1)), dtype=np.float32)  # an ndarray: .shape
    # Get random interpolation between real and fake samples
    interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)
    d_interpolates = D(interpolates)
    fake = mg.empty(real_samples.shape[0], 1).fill_(1.0)
    # Get gradient w.r.t. interpolates
    gradients = mg.grad(
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


def run(seed=0, init=None, verbose=False):
    """Train for opt.n_epochs; returns the last critic loss (a float).
    `init` ({"generator": state_dict, "discriminator": state_dict})
    replaces the random start. NumPy's global generator draws the noise and
    the interpolation weights, as in the original."""
    mg.manual_seed(seed)
    np.random.seed(seed)

    # Loss weight for gradient penalty
    lambda_gp = 10

    # Initialize generator and discriminator
    generator = Generator()
    discriminator = Discriminator()
    if init is not None:
        generator.load_state_dict(init["generator"])
        discriminator.load_state_dict(init["discriminator"])

    # Configure data loader
    dataloader = DataLoader(TensorDataset(*real_images(seed=seed)), batch_size=opt.batch_size, shuffle=False)

    # Optimizers
    optimizer_G = mg.optim.Adam(generator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))
    optimizer_D = mg.optim.Adam(discriminator.parameters(), lr=opt.lr, betas=(opt.b1, opt.b2))

    batches_done = 0
    for epoch in range(opt.n_epochs):
        for i, (imgs, _) in enumerate(dataloader):

            # Configure input
            real_imgs = mg.tensor(imgs)

            # ---------------------
            #  Train Discriminator
            # ---------------------

            optimizer_D.zero_grad()

            # Sample noise as generator input
            z = mg.tensor(np.random.normal(0, 1, (imgs.shape[0], opt.latent_dim)), dtype=np.float32)

            # Generate a batch of images
            fake_imgs = generator(z)

            # Real images
            real_validity = discriminator(real_imgs)
            # Fake images
            fake_validity = discriminator(fake_imgs)
            # Gradient penalty
            gradient_penalty = compute_gradient_penalty(discriminator, real_imgs.data, fake_imgs.data)
            # Adversarial loss
            d_loss = -F.mean(real_validity) + F.mean(fake_validity) + lambda_gp * gradient_penalty

            d_loss.backward()
            optimizer_D.step()

            optimizer_G.zero_grad()

            # Train the generator every n_critic steps
            if i % opt.n_critic == 0:

                # -----------------
                #  Train Generator
                # -----------------

                # Generate a batch of images
                fake_imgs = generator(z)
                # Loss measures generator's ability to fool the discriminator
                # Train on fake images
                fake_validity = discriminator(fake_imgs)
                g_loss = -F.mean(fake_validity)

                g_loss.backward()
                optimizer_G.step()

                if verbose:
                    print(f"[Epoch {epoch}/{opt.n_epochs}] [Batch {i}/{len(dataloader)}] "
                          f"[D loss: {d_loss.item()}] [G loss: {g_loss.item()}]")

                batches_done += opt.n_critic
    return d_loss.item()


if __name__ == "__main__":
    print(f"final critic loss: {run(verbose=True):.6g}")
