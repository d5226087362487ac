"""The replay: the registrar's exact ``create_model_package`` request, then, as each
consumer, the reads a deployment makes, each through the gate, in the order they happen.

A consumer's deployment pulls every image (an ECR token, the manifest, each blob's download
URL) and reads every artifact (the object, and the decrypt of its data key). A step that
fails stops the steps that need it (a manifest needs the token, a layer's URL the manifest,
a decrypt its object), which are listed as not reached; every other step still runs, so one
replay shows every gap. The deployment reads act on the images and artifacts the request
names, so they do not need the registration to have gone through.
"""

from __future__ import annotations

import json
from typing import Any

from checker.aws.boto import ClientError
from checker.aws.ecr import no_image_reason
from checker.dryrun.gate import Gate, GateRecord, NotEmulated, UndecidedCall
from checker.dryrun.gate_steps import (
    PlannedStep,
    StepFailed,
    not_reached,
    refused_by_botocore,
    traced,
    traced_error,
    undecidable,
)
from checker.dryrun.sandbox.common import REFUSALS, refusal_text
from checker.dryrun.sandbox.model import Sandbox, SandboxArtifact, SandboxImage
from checker.dryrun.targets import UnplannedCall
from checker.dryrun.trace_model import StepStatus, TraceStep
from checker.plan.model import Plan
from checker.refs import arn_or_none, group_versions_arn


class Replay:
    def __init__(self, plan: Plan, sandbox: Sandbox, gate: Gate) -> None:
        self.plan = plan
        self.sandbox = sandbox
        self.gate = gate
        self.model_package_arn: str | None = None
        self._gated: dict[tuple[str, str, str], Any] = {}

    def client(self, service: str, principal: str, region: str | None = None) -> Any:
        key = (service, principal, region or self.plan.region)
        if key not in self._gated:
            client = self.gate.emulator.principal_client(service, principal, key[2])
            self._gated[key] = self.gate.attach(client, principal)
        return self._gated[key]

    # -- what happens ---------------------------------------------------------------------
    def planned_steps(self) -> list[PlannedStep]:
        steps = [self._register()]
        for consumer in self.plan.consumer_arns:
            steps.extend(self._deploy(consumer))
        return steps

    def _register(self) -> PlannedStep:
        registrar = self.plan.registrar_arn
        group = self.sandbox.group
        target = group_versions_arn(group.arn) if group else "(no group)"

        def run() -> str:
            sagemaker = self.client("sagemaker", registrar, group.region if group else None)
            answer = sagemaker.create_model_package(**self.plan.registration)
            self.model_package_arn = str(answer["ModelPackageArn"])
            return self.model_package_arn

        return PlannedStep(
            "sagemaker.create_model_package", registrar, "sagemaker:CreateModelPackage", target, run
        )

    def _deploy(self, consumer: str) -> list[PlannedStep]:
        steps: list[PlannedStep] = []
        for region in dict.fromkeys(image.region for image in self.sandbox.images):
            steps.append(self._token(consumer, region))
        for image in self.sandbox.images:
            steps.append(self._manifest(consumer, image))
            steps.extend(self._blob(consumer, image, blob) for blob in image.blobs)
        for artifact in self.sandbox.artifacts:
            steps.append(self._object(consumer, artifact))
            if artifact.key_choice is not None:
                steps.append(self._decrypt(consumer, artifact))
        return steps

    def _token(self, consumer: str, region: str) -> PlannedStep:
        def run() -> str:
            answer = self.client("ecr", consumer, region).get_authorization_token()
            endpoint = answer["authorizationData"][0]["proxyEndpoint"]
            return f"a registry token for {endpoint}"

        return PlannedStep(
            "ecr.get_authorization_token",
            consumer,
            "ecr:GetAuthorizationToken",
            "*",
            run,
            key=f"token {consumer} {region}",
        )

    def _manifest(self, consumer: str, image: SandboxImage) -> PlannedStep:
        def run() -> str:
            answer = self.client("ecr", consumer, image.region).batch_get_image(
                registryId=image.account,
                repositoryName=image.repository,
                imageIds=[image.image_id],
                acceptedMediaTypes=["application/vnd.docker.distribution.manifest.v2+json"],
            )
            found = answer.get("images", [])
            if not found:
                raise StepFailed(no_image_reason(answer))
            layers = json.loads(found[0]["imageManifest"]).get("layers", [])
            plural = "s" if len(layers) != 1 else ""
            return f"the manifest of {image.uri} ({len(layers)} layer{plural})"

        return PlannedStep(
            "ecr.batch_get_image",
            consumer,
            "ecr:BatchGetImage",
            image.repository_arn,
            run,
            key=f"manifest {consumer} {image.uri}",
            needs=(f"token {consumer} {image.region}",),
        )

    def _blob(self, consumer: str, image: SandboxImage, blob: str) -> PlannedStep:
        def run() -> str:
            answer = self.client("ecr", consumer, image.region).get_download_url_for_layer(
                registryId=image.account, repositoryName=image.repository, layerDigest=blob
            )
            return f"a download URL for {answer.get('layerDigest', blob)}"

        return PlannedStep(
            "ecr.get_download_url_for_layer",
            consumer,
            "ecr:GetDownloadUrlForLayer",
            image.repository_arn,
            run,
            needs=(f"manifest {consumer} {image.uri}",),
        )

    def _object(self, consumer: str, artifact: SandboxArtifact) -> PlannedStep:
        arn = f"arn:{self.plan.partition}:s3:::{artifact.bucket}/{artifact.key}"

        def run() -> str:
            answer = self.client("s3", consumer).get_object(
                Bucket=artifact.bucket, Key=artifact.key
            )
            size = len(answer["Body"].read())
            encryption = answer.get("ServerSideEncryption")
            sandbox_key = answer.get("SSEKMSKeyId")
            key = self.sandbox.plan_keys.get(sandbox_key, sandbox_key) if sandbox_key else None
            detail = f", {encryption}" + (f" with {key}" if key else "") if encryption else ""
            return f"{size} bytes of {artifact.uri}{detail}"

        return PlannedStep(
            "s3.get_object", consumer, "s3:GetObject", arn, run, key=f"object {consumer} {arn}"
        )

    def _decrypt(self, consumer: str, artifact: SandboxArtifact) -> PlannedStep:
        key_id = artifact.sandbox_key or artifact.key_row
        # The sandbox key is moto's ARN; a key row that names no key is no ARN.
        parsed = arn_or_none(key_id)
        region = parsed.region if parsed and parsed.region else self.plan.region

        def run() -> str:
            # With no data key in the sandbox the gate stops the call before moto sees it.
            blob = artifact.ciphertext or b"no data key in the sandbox"
            self.client("kms", consumer, region).decrypt(CiphertextBlob=blob, KeyId=key_id)
            return f"the data key of {artifact.uri}"

        arn = f"arn:{self.plan.partition}:s3:::{artifact.bucket}/{artifact.key}"
        return PlannedStep(
            "kms.decrypt",
            consumer,
            "kms:Decrypt",
            artifact.key_row,
            run,
            needs=(f"object {consumer} {arn}",),
        )

    # -- running it -------------------------------------------------------------------------
    def run(self) -> list[TraceStep]:
        trace: list[TraceStep] = []
        # What did not succeed, by key: the step itself, or the first failure it waited on.
        blocked: dict[str, TraceStep] = {}
        for number, step in enumerate(self.planned_steps(), start=1):
            blocker = next((blocked[key] for key in step.needs if key in blocked), None)
            if blocker is not None:
                traced = not_reached(number, step, blocker)
            else:
                traced = self._run_step(number, step)
            trace.append(traced)
            if step.key and traced.status is not StepStatus.SUCCEEDED:
                blocked[step.key] = blocker or traced
        return trace

    def _run_step(self, number: int, step: PlannedStep) -> TraceStep:
        from botocore.exceptions import ParamValidationError  # type: ignore[import-untyped]

        before = len(self.gate.records)

        def record() -> GateRecord | None:
            return self.gate.records[-1] if len(self.gate.records) > before else None

        try:
            result = step.run()
        except NotEmulated as held:
            return traced(number, step, held.record, StepStatus.SUCCEEDED, result="not sent")
        except UndecidedCall as held:
            return traced(number, step, held.record, StepStatus.UNKNOWN)
        except UnplannedCall as unplanned:
            return undecidable(number, step, str(unplanned))
        except ParamValidationError as error:
            message = str(error).replace("\n", " ")
            return refused_by_botocore(number, step, message)
        except ClientError as error:
            return traced_error(number, step, record(), error)
        except StepFailed as failure:
            return traced(number, step, record(), StepStatus.FAILED, error=("", str(failure)))
        except REFUSALS as refusal:  # an operation the emulator lacks
            lacking = ("", refusal_text(refusal))
            return traced(number, step, record(), StepStatus.FAILED, error=lacking)
        return traced(number, step, record(), StepStatus.SUCCEEDED, result=result)
