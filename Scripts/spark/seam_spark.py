#!/usr/bin/env python3
"""seam-spark: `seam check` on Apache Spark, with the same summary and exit code (issue 17).

    seam-spark --spec FILE [--partitions N] [--master URL] [--format text|json|markdown] PATH...
    spark-submit [--master URL] Scripts/spark/seam_spark.py --spec FILE ... PATH...

(`seam-spark` is a link to `seam_spark.py`: spark-submit takes a Python application only by its
`.py` name.)

Three stages, all of them the `seam` binary (shipped to executors with SparkContext.addFile):
1. extract: one task per input file (gzip is not splittable): `seam extract` writes the file's
   observation rows and one coverage account (lines starting with `{`).
2. correlate: the accounts are collected and shipped to every executor; the rows are
   repartitioned by their key hash (field 2, mod N: every observation of one handoff and key in
   one partition) and sorted within partitions, and `seam correlate` judges each partition
   against the whole run's coverage, writing one partial summary.
3. merge (driver): `seam merge` prints exactly what `seam check` prints on the same files and
   exits with its exit code (0, 1 gaps, 2 usage/spec error, 3 incomplete).

A task whose `seam` fails (killed, crashed) fails the job, naming the file or partition;
seam-spark then exits 3. A corrupt or truncated input is accounted for as `seam check` does: the
merged summary says the run is incomplete (exit 3) and names the file.

Paths: local paths (or a shared file system mounted at the same place on every executor) are
expanded by `seam extract --list` exactly as `seam check` expands them, and read by each
task's `seam`. URIs with a scheme (s3a://, gs://, hdfs://, file://) are listed with Hadoop's
FileSystem and read with SparkContext.binaryFiles (each file whole in the executor's memory),
then streamed to `seam extract --name URI -`.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def default_seam():
    for candidate in (os.path.join(HERE, "..", "..", ".build-static", "release", "seam"),
                      os.path.join(HERE, "..", "..", ".build", "release", "seam"),
                      os.path.join(HERE, "..", "..", ".build", "debug", "seam"),
                      shutil.which("seam") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    return None


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="seam-spark", description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", required=True, help="the handoff spec (YAML)")
    ap.add_argument("--partitions", type=int, default=None,
                    help="partitions of the observation rows (default: Spark's default parallelism)")
    ap.add_argument("--master", default=None, help="Spark master URL (default: spark-submit's, else local[*])")
    ap.add_argument("--format", default="text", choices=["text", "json", "markdown"])
    ap.add_argument("--fail-on", default="gaps", help="as seam check --fail-on")
    ap.add_argument("--examples", type=int, default=5, help="examples kept per verdict kind and handoff")
    ap.add_argument("--allow-unjudged", action="store_true")
    ap.add_argument("--service", action="append", default=[], metavar="NAME=PATH",
                    help="as seam check --service (repeatable)")
    ap.add_argument("--seam", default=None, help="the seam binary to ship (default: this checkout's build)")
    ap.add_argument("--timings", action="store_true", help="print each stage's wall time on stderr")
    ap.add_argument("paths", nargs="+", metavar="PATH")
    return ap.parse_args(argv)


def is_uri(p):
    return "://" in p


def list_sources(sc, seam, spec, paths, services):
    """[(index, path, remote)] in input order, and the input errors as coverage account lines."""
    local = [p for p in paths if not is_uri(p)]
    remote = [p for p in paths if is_uri(p)]
    if local and remote:
        raise SystemExit("seam-spark: give local paths or URIs, not both")
    sources, errors = [], []
    if local:
        out = subprocess.run([seam, "extract", "--spec", spec, "--list"] + services + ["--"] + local,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stderr)
            raise SystemExit(out.returncode)
        for line in out.stdout.splitlines():
            obj = json.loads(line)
            if "source" in obj and "path" in obj:
                sources.append((obj["source"], obj["path"], False))
            else:
                errors.append(line)
    else:
        jvm = sc._jvm
        conf = sc._jsc.hadoopConfiguration()
        found = []
        for p in remote:
            path = jvm.org.apache.hadoop.fs.Path(p)
            fs = path.getFileSystem(conf)
            if not fs.exists(path):
                errors.append(json.dumps({"kind": "error", "index": len(errors), "name": p, "extents": [],
                                          "participants": [], "rows": 0,
                                          "error": {"code": "not-found", "source": p, "message": "no such file or directory"}}))
                continue
            it = fs.listFiles(path, True)
            while it.hasNext():
                st = it.next()
                name = st.getPath().getName()
                if not name.startswith(".") and not name.startswith("_"):
                    found.append(st.getPath().toString())
        # As seam check orders a folder: byte order of the full paths.
        found = sorted(set(found), key=lambda s: s.encode())
        sources = [(i, p, True) for i, p in enumerate(found)]
    return sources, errors


def run(sc, seam, spec, paths, partitions=None, fmt="text", fail_on="gaps", examples=5, allow_unjudged=False,
        services=(), timings=None):
    """Runs the three stages on `sc`; returns (summary text, exit code). Reusable on one SparkContext.

    The driver's files (the spec's copy, the coverage, the parts) live in one temporary folder,
    removed when the run ends, also when the job fails."""
    work = tempfile.mkdtemp(prefix="seam-spark-")
    try:
        return _stages(work, sc, seam, spec, paths, partitions, fmt, fail_on, examples, allow_unjudged, services,
                       timings)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stages(work, sc, seam, spec, paths, partitions, fmt, fail_on, examples, allow_unjudged, services, timings):
    """`run`'s body; its driver-side files go in `work`."""
    from pyspark import SparkFiles, StorageLevel

    seam = os.path.abspath(seam)
    spec = os.path.abspath(spec)
    run_id = uuid.uuid4().hex[:12]
    service_args = []
    for m in services:
        service_args += ["--service", m]
    n_parts = partitions or sc.defaultParallelism
    clock = {"start": time.time()}

    # The binary and the spec, to every executor (the same path twice is shipped once).
    sc.addFile(seam)
    spec_copy = os.path.join(work, "spec-%s.yaml" % run_id)
    shutil.copyfile(spec, spec_copy)
    sc.addFile(spec_copy)
    seam_name, spec_name = os.path.basename(seam), os.path.basename(spec_copy)
    cwd = os.getcwd()

    sources, listed_errors = list_sources(sc, seam, spec, paths, service_args)
    total = len(sources)

    def executor_seam():
        exe = SparkFiles.get(seam_name)
        if not os.access(exe, os.X_OK):
            os.chmod(exe, 0o755)
        return exe, SparkFiles.get(spec_name)

    def env():
        # RDD.pipe would start seam with an empty environment: give it only what it uses.
        return {k: v for k, v in os.environ.items() if k in ("TMPDIR", "LANG", "LC_ALL")}

    def extract_one(index, path, data=None):
        exe, spec_file = executor_seam()
        args = [exe, "extract", "--spec", spec_file, "--source-index", str(index), "--sources", str(total)] + service_args
        args += ["--name", path, "-"] if data is not None else ["--", path]
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.run(args, input=data, stdout=out, stderr=err, env=env(),
                               cwd=cwd if os.path.isdir(cwd) else None)
            if p.returncode != 0:
                err.seek(0)
                raise RuntimeError("seam extract failed on %s (exit %d): %s"
                                   % (path, p.returncode, err.read().decode(errors="replace").strip()))
            out.seek(0)
            for line in out:
                yield line.decode().rstrip("\n")

    remote = any(r for _, _, r in sources)
    if not sources:
        extracted = sc.parallelize([], 1)
    elif remote:
        index_of = {p: i for i, p, _ in sources}
        files = sc.binaryFiles(",".join(p for _, p, _ in sources), minPartitions=len(sources))
        extracted = files.flatMap(lambda kv: extract_one(index_of[kv[0]], kv[0], kv[1]))
    else:
        # One task per file: gzip is not splittable.
        extracted = sc.parallelize([(i, p) for i, p, _ in sources], len(sources)) \
            .flatMap(lambda ip: extract_one(ip[0], ip[1]))
    extracted = extracted.persist(StorageLevel.MEMORY_AND_DISK)
    accounts = extracted.filter(lambda l: l.startswith("{")).collect()
    clock["extract"] = time.time()

    coverage = os.path.join(work, "coverage-%s.jsonl" % run_id)
    with open(coverage, "w") as f:
        for line in listed_errors + accounts:
            f.write(line + "\n")
    sc.addFile(coverage)
    coverage_name = os.path.basename(coverage)

    def correlate_partition(i, rows):
        exe, spec_file = executor_seam()
        args = [exe, "correlate", "--spec", spec_file, "--coverage", SparkFiles.get(coverage_name),
                "--partition", str(i), "--partitions", str(n_parts), "--examples", str(examples)]
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
        failure = []

        def feed():
            try:
                for row, _ in rows:
                    p.stdin.write(row.encode() + b"\n")
            except BrokenPipeError:
                failure.append("seam correlate stopped reading its rows")
            except Exception as e:  # the rows' iterator failed: the partition is incomplete
                failure.append(repr(e))
            finally:
                try:
                    p.stdin.close()
                except BrokenPipeError:
                    pass
        err = []
        t = threading.Thread(target=feed)
        t.start()
        e = threading.Thread(target=lambda: err.append(p.stderr.read()))
        e.start()
        out = p.stdout.read()
        t.join()
        e.join()
        code = p.wait()
        if code != 0 or failure:
            raise RuntimeError("seam correlate failed on partition %d of %d (exit %d): %s %s"
                               % (i, n_parts, code, b"".join(err).decode(errors="replace").strip(), "; ".join(failure)))
        for line in out.decode().splitlines():
            if line.strip():
                yield line

    rows = extracted.filter(lambda l: not l.startswith("{")).map(lambda l: (l, None))
    # Partition by the key hash (field 2), then sort each partition by the whole row: time first.
    ordered = rows.repartitionAndSortWithinPartitions(
        numPartitions=n_parts, partitionFunc=lambda row: int(row.split("\t", 2)[1]), ascending=True)
    if timings is not None:
        # Only to time the stages apart: the sorted partitions are kept, so that correlate
        # does not shuffle again.
        ordered = ordered.persist(StorageLevel.MEMORY_AND_DISK)
        timings["rows"] = ordered.count()
    clock["shuffle"] = time.time()
    parts = ordered.mapPartitionsWithIndex(correlate_partition).collect()
    clock["correlate"] = time.time()
    extracted.unpersist()

    parts_file = os.path.join(work, "parts-%s.jsonl" % run_id)
    with open(parts_file, "w") as f:
        for line in parts:
            f.write(line + "\n")
    args = [seam, "merge", "--coverage", coverage, "--format", fmt, "--fail-on", fail_on]
    if allow_unjudged:
        args.append("--allow-unjudged")
    merged = subprocess.run(args + [parts_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sys.stderr.write(merged.stderr)
    clock["merge"] = time.time()
    if timings is not None:
        timings.update({"extract": clock["extract"] - clock["start"], "shuffle": clock["shuffle"] - clock["extract"],
                        "correlate": clock["correlate"] - clock["shuffle"], "merge": clock["merge"] - clock["correlate"]})
    return merged.stdout, merged.returncode


def main(argv):
    args = parse_args(argv)
    seam = args.seam or default_seam()
    if not seam:
        sys.stderr.write("seam-spark: no seam binary: build one (swift build -c release --static-swift-stdlib) or give --seam\n")
        return 2
    if not os.access(args.spec, os.R_OK):
        sys.stderr.write("seam-spark: %s: cannot read the spec\n" % args.spec)
        return 2
    from pyspark import SparkConf
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("seam").config("spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master)
    elif not SparkConf().contains("spark.master"):
        # Run as a plain script: local. Under spark-submit its --master is already set.
        builder = builder.master("local[*]")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    timings = {} if args.timings else None
    try:
        text, code = run(spark.sparkContext, seam, args.spec, args.paths, args.partitions, args.format, args.fail_on,
                         args.examples, args.allow_unjudged, args.service, timings)
    except Exception as e:  # a failed task failed the job: name it, and say the run is incomplete
        message = str(e)
        for line in message.splitlines():
            if "seam extract failed" in line or "seam correlate failed" in line:
                message = line[line.index("seam "):]
                break
        sys.stderr.write("seam-spark: error: the Spark job failed, no summary: %s\n" % message.strip()[:2000])
        spark.stop()
        return 3
    sys.stdout.write(text)
    sys.stdout.flush()
    if timings:
        sys.stderr.write("seam-spark: %d rows; " % timings.pop("rows", 0)
                         + ", ".join("%s %.1fs" % (k, v) for k, v in timings.items()) + "\n")
    spark.stop()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
