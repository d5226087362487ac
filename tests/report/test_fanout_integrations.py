"""The ready-made fan-out manifests (Kubernetes Indexed Job, AWS Batch array job, Step
Functions Distributed Map, GitHub Actions matrix): each parses, every ``xreg`` command in
it names only real options (parsed by xreg's own argument parser), the engine's variables
that xreg reads are there, and the shard reports the workers write are the ones the merge
step joins.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
import yaml
from botocore.validate import validate_parameters

from checker.aws.audit.items import Item, item_lines, parse_items
from checker.aws.audit.sharding import choose_shard
from checker.cli import build_parser
from tests.conftest import ROOT

INTEGRATIONS = ROOT / "integrations"
KUBERNETES = INTEGRATIONS / "kubernetes" / "xreg-audit.yaml"
BATCH_AUDIT = INTEGRATIONS / "aws-batch" / "xreg-audit-job-definition.json"
BATCH_MERGE = INTEGRATIONS / "aws-batch" / "xreg-merge-job-definition.json"
STEP_FUNCTIONS = INTEGRATIONS / "step-functions" / "xreg-audit.asl.json"
GITHUB_AUDIT = INTEGRATIONS / "github-actions" / "xreg-audit.yml"
OPERATORS = {"&&", "||", "|", ";", "&"}
VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
# Set by the shell (``status=$?``) or the engine itself, never by the manifest.
SHELL_VARIABLES = {"status"}


def commands(shell: str) -> Iterator[list[str]]:
    """Each simple command of a shell line, as its words."""
    lexer = shlex.shlex(shell, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    words: list[str] = []
    for token in lexer:
        if token in OPERATORS:
            if words:
                yield words
            words = []
        else:
            words.append(token)
    if words:
        yield words


def xreg_commands(shell: str, command: str) -> list[list[str]]:
    """The ``xreg COMMAND`` invocations of a shell line, each parsed by xreg's real parser
    (an unknown option fails the test here)."""
    found = []
    for words in commands(shell):
        if words[0] == "xreg" and words[1] == command:
            try:
                build_parser().parse_args(words[1:])
            except SystemExit:
                pytest.fail(f"not a valid xreg command line: {shlex.join(words)}")
            found.append(words[1:])
    return found


def parsed(argv: list[str], **values: str) -> Any:
    """``argv`` parsed with its ``$VARIABLE`` words replaced by ``values``."""
    return build_parser().parse_args(
        [VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), word) for word in argv]
    )


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def variables(shell: str) -> set[str]:
    return set(VARIABLE.findall(shell)) - SHELL_VARIABLES


def documents(path: Path) -> list[Any]:
    return list(yaml.safe_load_all(path.read_text(encoding="utf-8")))


def test_kubernetes_indexed_job_shards_and_the_merge_job_joins_them() -> None:
    manifests = {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents(KUBERNETES)}
    job = manifests[("Job", "xreg-audit")]["spec"]
    assert job["completionMode"] == "Indexed"
    completions = job["completions"]
    assert 1 <= job["parallelism"] <= completions
    (container,) = job["template"]["spec"]["containers"]
    assert job["template"]["spec"]["restartPolicy"] == "Never"
    (script,) = container["args"]
    (argv,) = xreg_commands(script, "audit")
    assert int(option(argv, "--shards")) == completions
    assert "--shard" not in argv  # the index comes from the Job controller
    env = {entry["name"]: entry for entry in container["env"]}
    assert env["JOB_COMPLETION_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"] == (
        "metadata.annotations['batch.kubernetes.io/job-completion-index']"
    )
    assert variables(script) <= set(env)
    accounts_file = option(argv, "--accounts")
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    assert str(Path(accounts_file).parent) in mounts
    configmap = manifests[("ConfigMap", "xreg-accounts")]
    assert Path(accounts_file).name in configmap["data"]
    # Failing for bad input (exit 2) stops the Job instead of retrying it.
    (rule,) = job["podFailurePolicy"]["rules"]
    assert rule["action"] == "FailJob" and rule["onExitCodes"]["values"] == [2]

    written = []
    for index in range(completions):
        arguments = parsed(argv, JOB_COMPLETION_INDEX=str(index))
        shard = choose_shard(
            arguments.shard, arguments.shards, {"JOB_COMPLETION_INDEX": str(index)}
        )
        assert shard is not None and (shard.index, shard.count) == (index + 1, completions)
        (output,) = arguments.output
        written.append(output)
    merge_job = manifests[("Job", "xreg-merge")]["spec"]["template"]["spec"]
    (merge_container,) = merge_job["containers"]
    (merge_argv,) = xreg_commands(merge_container["args"][0], "merge")
    assert parsed(merge_argv).reports == written
    # Both Jobs mount the one shared volume where the reports are written.
    claim = manifests[("PersistentVolumeClaim", "xreg-reports")]
    assert "ReadWriteMany" in claim["spec"]["accessModes"]
    for spec in (job["template"]["spec"], merge_job):
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        assert volumes["reports"]["persistentVolumeClaim"]["claimName"] == "xreg-reports"
    (wait,) = merge_job["initContainers"]
    assert all(path in wait["args"][0] for path in written)


def batch_definition(path: Path) -> dict[str, Any]:
    definition: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    model = botocore.session.get_session().get_service_model("batch")
    validate_parameters(definition, model.operation_model("RegisterJobDefinition").input_shape)
    return definition


def test_aws_batch_array_job_takes_its_shard_from_batch_and_copies_its_report() -> None:
    definition = batch_definition(BATCH_AUDIT)
    container = definition["containerProperties"]
    shell, script = container["command"][:2], container["command"][2]
    assert shell == ["sh", "-c"]
    (argv,) = xreg_commands(script, "audit")
    environment = {entry["name"]: entry["value"] for entry in container["environment"]}
    # AWS Batch sets both variables; AWS_BATCH_ is a prefix a job definition may not use.
    assert not [name for name in environment if name.startswith("AWS_BATCH_")]
    set_by_batch = {"AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE"}
    assert variables(script) <= set(environment) | set_by_batch
    arguments = parsed(argv)
    batch = {"AWS_BATCH_JOB_ARRAY_INDEX": "2", "AWS_BATCH_JOB_ARRAY_SIZE": "5"}
    shard = choose_shard(arguments.shard, arguments.shards, batch)
    assert shard is not None and (shard.index, shard.count) == (3, 5)
    # The copy to S3 comes after the audit and names the array index.
    steps = list(commands(script))
    audit_at = next(n for n, words in enumerate(steps) if words[:2] == ["xreg", "audit"])
    (copy,) = [words for words in steps[audit_at:] if words[:3] == ["aws", "s3", "cp"]]
    (output,) = arguments.output
    assert copy[3] == output and "$AWS_BATCH_JOB_ARRAY_INDEX" in copy[4]
    assert {"onExitCode": "2", "action": "EXIT"} in definition["retryStrategy"]["evaluateOnExit"]

    merge = batch_definition(BATCH_MERGE)
    merge_script = merge["containerProperties"]["command"][2]
    (merge_argv,) = xreg_commands(merge_script, "merge")
    (pattern,) = parsed(merge_argv).reports
    assert Path(pattern).name == copy[4].rsplit("/", 1)[1].replace(
        "$AWS_BATCH_JOB_ARRAY_INDEX", "*"
    )
    merge_env = {entry["name"] for entry in merge["containerProperties"]["environment"]}
    assert variables(merge_script) <= merge_env


def resolved(value: Any) -> Any:
    """ASL parameters as the service API takes them: Step Functions writes the API's
    camelCase members in PascalCase, and each ``"Key.$": path`` is a value at run time."""
    if isinstance(value, dict):
        return {
            key[0].lower() + key[1:].removesuffix(".$"): "sample"
            if key.endswith(".$")
            else resolved(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [resolved(item) for item in value]
    return value


def run_task_overrides(task: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The one container's shell script and environment (name → value or JSONPath)."""
    assert task["Resource"] == "arn:aws:states:::ecs:runTask.sync"
    model = botocore.session.get_session().get_service_model("ecs")
    validate_parameters(resolved(task["Parameters"]), model.operation_model("RunTask").input_shape)
    (container,) = task["Parameters"]["Overrides"]["ContainerOverrides"]
    assert container["Command"][:2] == ["sh", "-c"]
    environment = {
        entry["Name"]: entry.get("Value", entry.get("Value.$"))
        for entry in container["Environment"]
    }
    return container["Command"][2], environment


def test_step_functions_distributed_map_reads_the_items_manifest_in_batches() -> None:
    machine = json.loads(STEP_FUNCTIONS.read_text(encoding="utf-8"))
    states = machine["States"]
    fan_out = states[machine["StartAt"]]
    assert fan_out["Type"] == "Map"
    assert fan_out["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    reader = fan_out["ItemReader"]
    assert reader["Resource"] == "arn:aws:states:::s3:getObject"
    assert reader["ReaderConfig"]["InputType"] == "JSONL"  # what --list-items writes
    assert {"Bucket.$", "Key.$"} <= set(reader["Parameters"])
    batcher = fan_out["ItemBatcher"]
    assert 1 <= batcher["MaxItemsPerBatch"] <= 50
    processor = fan_out["ItemProcessor"]
    task = processor["States"][processor["StartAt"]]
    script, environment = run_task_overrides(task)
    assert variables(script) <= set(environment)
    # The batch reaches xreg's stdin whole: {"Items": [...], "BatchInput": {...}}.
    assert environment["XREG_ITEMS"] == "States.JsonToString($)"
    steps = list(commands(script))
    feed = next(n for n, words in enumerate(steps) if "$XREG_ITEMS" in words)
    assert steps[feed + 1][:2] == ["xreg", "audit"]
    (argv,) = xreg_commands(script, "audit")
    assert option(argv, "--items") == "-"
    for name, path in batcher["BatchInput"].items():
        assert name.endswith(".$") and path.startswith("$.")
        assert f"$.BatchInput.{name.removesuffix('.$')}" in environment.values()
    # What --list-items writes, batched as ItemBatcher batches it, is what --items reads.
    items = [Item(f"{n:012d}", "us-east-1", f"unit-{n}") for n in range(1, 4)]
    lines = [json.loads(line) for line in item_lines(items).splitlines()]
    batch = json.dumps({"Items": lines, "BatchInput": {"accounts": "s3://b/a.yml"}})
    assert parse_items(batch, "-") == items

    merge = states[fan_out["Next"]]
    assert fan_out["ResultPath"] is None  # the batches' results stay in S3, not the state
    merge_script, merge_environment = run_task_overrides(merge)
    (merge_argv,) = xreg_commands(merge_script, "merge")
    (pattern,) = parsed(merge_argv).reports
    assert Path(pattern).name == "batch-*.json" and "batch-$XREG_BATCH.json" in script
    assert variables(merge_script) <= set(merge_environment)
    assert merge.get("End") is True


def test_github_actions_matrix_covers_every_shard_and_merges_them() -> None:
    workflow = yaml.safe_load(GITHUB_AUDIT.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))
    assert "schedule" in triggers
    audit_job, merge_job = workflow["jobs"]["audit"], workflow["jobs"]["merge"]
    values = audit_job["strategy"]["matrix"]["shard"]
    (step,) = [s for s in audit_job["steps"] if s.get("run", "").startswith("xreg audit")]
    written = []
    for value in values:
        line = step["run"].replace("${{ matrix.shard }}", str(value))
        (argv,) = xreg_commands(line, "audit")
        arguments = parsed(argv)
        shard = choose_shard(arguments.shard, arguments.shards, {})
        assert shard is not None and shard.index == value
        assert shard.count == len(values) and sorted(values) == list(range(1, len(values) + 1))
        written += arguments.output
    assert variables(step["run"]) <= set(workflow["env"])
    upload = next(s for s in audit_job["steps"] if s.get("uses", "").startswith("actions/upload"))
    assert upload["with"]["path"] == "reports/shard-${{ matrix.shard }}.json"
    assert merge_job["needs"] == "audit"
    download = next(
        s for s in merge_job["steps"] if s.get("uses", "").startswith("actions/download")
    )
    assert download["with"]["merge-multiple"] is True and download["with"]["path"] == "reports"
    (merge_step,) = [s for s in merge_job["steps"] if s.get("run", "").startswith("xreg merge")]
    (merge_argv,) = xreg_commands(merge_step["run"], "merge")
    assert parsed(merge_argv).reports == written
