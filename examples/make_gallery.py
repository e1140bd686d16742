"""Make every picture of the README's gallery (docs/gallery) from the code.

    python examples/make_gallery.py                 # every picture, full runs
    python examples/make_gallery.py 07_overfitting  # only these examples' pictures
    python examples/make_gallery.py --list          # what it would make

Each example runs as its own process, as a reader would run it
(`python examples/<name>.py --out out/gallery/<name>`, with one BLAS
thread), and the picture it
writes is copied to docs/gallery/<picture>.png; the figures it prints go to
out/gallery/<name>/figures.txt, so the text beside a picture can be checked
against the run that drew it. Lesson 12's picture is the page it serves, with
a 7 drawn on it, photographed by headless Chromium (needs selenium, and
chromium with chromium-driver). The full runs take several minutes on two cores;
`--quick` makes the small runs the tests use (pictures not for committing).
"""
import argparse
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
ROOT = EXAMPLES.parent
GALLERY = ROOT / "docs" / "gallery"

# gallery picture -> (the example that draws it, the file it writes into its --out folder)
PICTURES = {
    "demo_training_curves": ("demo", "training_curves.png"),
    "demo_graph": ("demo", "graph.png"),
    "01_backprop_by_hand": ("01_backprop_by_hand", "graph.png"),
    "02_regression": ("02_regression", "regression.png"),
    "03_vanishing_gradients": ("03_vanishing_gradients", "vanishing_gradients.png"),
    "04_optimizers": ("04_optimizers", "optimizers.png"),
    "05_weight_init": ("05_weight_init", "weight_init.png"),
    "06_batch_norm": ("06_batch_norm", "batch_norm.png"),
    "07_overfitting": ("07_overfitting", "overfitting.png"),
    "08_cnn": ("08_cnn", "filters.png"),
    "09_hyperparameter_search": ("09_hyperparameter_search", "hyperparameter_search.png"),
    "10_lstm_sine": ("10_lstm_sine", "lstm_sine.png"),
    "11_spiral": ("11_spiral", "spiral.png"),
    "12_serve_digits": ("12_serve_digits", "page.png"),
    "13_higher_order": ("13_higher_order", "higher_order.png"),
    "14_transformer": ("14_transformer", "transformer.png"),
    "15_backprop_by_hand_layers": ("15_backprop_by_hand_layers", "backprop_by_hand_layers.png"),
}

# The examples' matrices are small: BLAS threads cost more than they save
# (many times over on a busy machine), and with one thread the figures do
# not depend on how many cores the machine has.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# The cells lesson 12's picture draws: a 7, as (row, column) of the 8x8 grid.
SEVEN = [(1, c) for c in range(1, 7)] + [(2, 6), (3, 5), (4, 4), (5, 4), (6, 3), (7, 3)]


def run_example(name, out, quick):
    """Run examples/<name>.py into `out`; keep what it printed in figures.txt."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(EXAMPLES / f"{name}.py"), "--out", str(out)] + (["--quick"] if quick else [])
    print("running", " ".join(command[1:]), flush=True)
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **ONE_BLAS_THREAD})
    (out / "figures.txt").write_text(result.stdout)
    if result.returncode != 0:
        raise SystemExit(f"make_gallery: {name} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")


def photograph_served_page(out, quick):
    """Lesson 12's page with a 7 drawn on it, as seen by headless Chromium."""
    sys.path.insert(0, str(EXAMPLES))
    import importlib.util

    from selenium import webdriver
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    spec = importlib.util.spec_from_file_location("serve_digits", EXAMPLES / "12_serve_digits.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    out.mkdir(parents=True, exist_ok=True)
    train, test = serve._common.digits_split((0.8, 0.2))
    serve._common.mg.manual_seed(0)
    model = serve.load_or_train(out / serve.MODEL_FILE, train, epochs=3 if quick else 30, retrain=True)
    server = serve.make_server(model, test, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=820,680", "--hide-scrollbars", f"--user-data-dir={out / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"http://{host}:{port}/")
        cells = driver.find_elements(By.CSS_SELECTOR, "#grid div")
        stroke = ActionChains(driver).move_to_element(cells[SEVEN[0][0] * 8 + SEVEN[0][1]]).click_and_hold()
        for row, column in SEVEN[1:]:
            stroke.move_to_element(cells[row * 8 + column])
        stroke.release().perform()
        answer = driver.find_element(By.ID, "answer")
        WebDriverWait(driver, 10).until(lambda d: answer.text not in ("", "?"))
        driver.execute_script("window.scrollTo(0, 0)")   # drawing scrolled the grid into view
        driver.save_screenshot(str(out / "page.png"))
        (out / "figures.txt").write_text(f"digit shown: {answer.text}\n")
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()
        shutil.rmtree(out / "profile", ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("examples", nargs="*", help="only these examples (default: all)")
    parser.add_argument("--quick", action="store_true", help="small runs (for the tests)")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "gallery",
                        help="where the runs write (default: %(default)s)")
    parser.add_argument("--gallery", type=Path, default=GALLERY,
                        help="where the pictures go (default: %(default)s)")
    parser.add_argument("--list", action="store_true", help="list the pictures and the examples drawing them")
    args = parser.parse_args(argv)
    known = sorted({example for example, _ in PICTURES.values()})
    unknown = set(args.examples) - set(known)
    if unknown:
        parser.error(f"no gallery picture comes from {sorted(unknown)}; choose from {known}")
    chosen = [name for name in known if not args.examples or name in args.examples]
    if args.list:
        for picture, (example, file) in PICTURES.items():
            if example in chosen:
                print(f"{picture}.png  <-  examples/{example}.py ({file})")
        return
    args.gallery.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        out = args.out / name
        if name == "12_serve_digits":
            photograph_served_page(out, args.quick)
        else:
            run_example(name, out, args.quick)
        for picture, (example, file) in PICTURES.items():
            if example == name:
                shutil.copyfile(out / file, args.gallery / f"{picture}.png")
                print(f"wrote {args.gallery / picture}.png")


if __name__ == "__main__":
    main()
