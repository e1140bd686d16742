"""`minigrad.backends.cudnn`: flags PyTorch programs set; minigrad does not use cuDNN."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """False: minigrad does not use cuDNN."""
    return False


def version():
    """None, as PyTorch's without cuDNN."""
    return None
