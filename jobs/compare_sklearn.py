#!/usr/bin/env python3
"""scikit-learn's MLPClassifier on exactly the splits `bnn compare-classifiers` uses, scored the same way.

    python3 jobs/compare_sklearn.py --input jobs/data/pima_diabetes.csv --label diabetes --splits 20

Needs numpy and scikit-learn (Debian: apt-get install python3-sklearn); the project itself does not. Split s is
the (s+1)-th permutation of the rows (in file order) that numpy's legacy generator seeded with 1 draws, the
generator PermutationSplits.java reproduces; its last n - round(0.8 n) positions are the test rows. The MLP gets
the same hidden layers as the Bayesian classifier's default ([50]) and scikit-learn's defaults otherwise (Adam, L2
1e-4, 200 iterations), on features standardised with the training rows' moments but for columns of two values (in
the training rows), which map to 0 and 1, as the Bayesian classifier maps them; text columns are one-hot encoded as
the jobs encode them. Per split: accuracy, NLL (probabilities clipped at 1e-15, as sklearn's log_loss), Brier score
(sum over classes), ECE (15 equal-width confidence bins) and its floor (the ECE a calibrated classifier with the
same confidences scores in expectation), then mean +- standard error (sample sd / sqrt(splits)), in the RESULT line
format of compare-classifiers.
"""
import argparse
import csv
import gzip
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler


def test_rows(n, split, test_fraction):
    """Split s's test rows: the last positions of the (s+1)-th permutation of numpy's legacy generator seeded with
    1, as the published UCI split files were drawn and as PermutationSplits.java draws them."""
    rng = np.random.RandomState(1)
    for _ in range(split):
        rng.permutation(n)
    order = rng.permutation(n)
    num_test = n - int(np.floor(n * (1 - test_fraction) + 0.5))
    return np.sort(order[n - num_test:])


def hit_count_spread(confidence):
    """E|S - sum p| for S the hits of a calibrated classifier on one bin's rows (spark-bnn's HitCountSpread):
    S's Poisson-binomial distribution up to 1000 rows, the normal value above."""
    if len(confidence) > 1000:
        return np.sqrt(2 / np.pi * (confidence * (1 - confidence)).sum())
    distribution = np.ones(1)
    for c in confidence:
        distribution = np.convolve(distribution, [1 - c, c])
    return (distribution * np.abs(np.arange(len(distribution)) - confidence.sum())).sum()


def metrics(p, y):
    n, k = p.shape
    confidence = p.max(axis=1)
    correct = p.argmax(axis=1) == y
    onehot = np.eye(k)[y]
    bins = np.minimum((confidence * 15).astype(int), 14)
    ece = sum(abs(correct[bins == b].sum() - confidence[bins == b].sum()) for b in range(15)) / n
    ece_floor = sum(hit_count_spread(confidence[bins == b]) for b in range(15)) / n
    return [correct.mean(), -np.log(np.clip(p[np.arange(n), y], 1e-15, 1)).mean(),
            ((p - onehot) ** 2).sum(axis=1).mean(), ece, ece_floor]


def is_number(value):
    try:
        float(value)
        return True
    except ValueError:
        return False


def features(rows, columns):
    """The feature matrix: numeric columns as they are; a text column one-hot encoded over the categories of all
    rows (an empty cell its own), as the jobs' FeatureColumns encodes it, when it has at most 100 distinct values
    and no more than half the rows; else, as there, left out."""
    out = []
    for c in columns:
        values = [r[c] for r in rows]
        if all(is_number(v) for v in values):
            out.append(np.array([float(v) for v in values])[:, None])
            continue
        categories = sorted(set(values))
        if len(categories) <= 100 and 2 * len(categories) <= len(rows):
            out.append(np.array([[v == k for k in categories] for v in values], dtype=float))
    return np.hstack(out)


def standardised(x, train):
    """x standardised by the training rows' moments, but a column of two values there, a < b, maps to
    (x - a) / (b - a), as the Bayesian classifier's Standardization maps it (a constant one to x - mean in both)."""
    out = StandardScaler().fit(x[train]).transform(x)
    for j in range(x.shape[1]):
        values = np.unique(x[train, j])
        if len(values) == 2:
            out[:, j] = (x[:, j] - values[0]) / (values[1] - values[0])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--splits", type=int, default=20)
    ap.add_argument("--test-fraction", type=float, default=0.2)
    ap.add_argument("--hidden", default="50")
    args = ap.parse_args()
    opener = gzip.open if args.input.endswith(".gz") else open
    with opener(args.input, "rt", newline="") as f:
        rows = list(csv.DictReader(f))
    x = features(rows, [c for c in rows[0] if c != args.label])
    labels = [r[args.label] for r in rows]
    classes = sorted(set(labels))  # StringIndexer alphabetAsc: the same class order
    y = np.array([classes.index(v) for v in labels])
    hidden = tuple(int(h) for h in args.hidden.split(","))
    results = []
    for s in range(args.splits):
        test = np.zeros(len(y), dtype=bool)
        test[test_rows(len(y), s, args.test_fraction)] = True
        xs = standardised(x, ~test)
        start = time.time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mlp = MLPClassifier(hidden_layer_sizes=hidden, random_state=s).fit(xs[~test], y[~test])
        p = np.zeros((test.sum(), len(classes)))
        p[:, mlp.classes_] = mlp.predict_proba(xs[test])
        results.append(metrics(p, y[test]) + [time.time() - start])
        print("split %d: test rows %d  sklearn MLP acc %.4f nll %.4f brier %.4f ece %.4f (floor %.4f) (%.1f s)"
              % ((s, test.sum()) + tuple(results[-1])))
    r = np.array(results)
    se = r.std(axis=0, ddof=1) / np.sqrt(len(r)) if len(r) > 1 else np.zeros(r.shape[1])
    print("RESULT sklearn MLPClassifier:" + "".join(
        "  %s %.4f ± %.4f" % (name, m, e)
        for name, m, e in zip(["accuracy", "nll", "brier", "ece", "eceFloor", "fitSeconds"], r.mean(axis=0), se)))


if __name__ == "__main__":
    main()
