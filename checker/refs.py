"""Strict parsers for the names a plan uses: ARNs, IAM principals, ECR images, S3 URIs.

Every parser raises ``ValueError(reason)`` with a reason fit for a one-line report, so the
engine can trust whatever it gets back.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from checker.records import record

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")

# Region shape, not a list: new regions must not need a release. The optional -gov/-iso
# infix covers GovCloud and the isolated partitions.
REGION_PATTERN = r"[a-z]{2,4}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}"
_REGION = re.compile(REGION_PATTERN)
_ACCOUNT = re.compile(r"[0-9]{12}")
_SERVICE = re.compile(r"[a-z0-9][a-z0-9-]*")
# IAM names: letters, digits and +=,.@_- (IAM User Guide, "IAM identifiers").
_IAM_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
_IAM_PATH_SEGMENT = re.compile(r"[\x21-\x7e]+")
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
_KMS_KEY_ID = re.compile(
    r"mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
_KMS_ALIAS = re.compile(r"alias/[a-zA-Z0-9/_-]{1,250}")
_GROUP_NAME = re.compile(r"[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}")
# ECR repository names (ECR API reference, CreateRepository.repositoryName).
_ECR_REPOSITORY = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")


def region_partition(region: str) -> str:
    """The partition a region belongs to, from its name."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def parse_account_id(text: object) -> str:
    if isinstance(text, bool) or not isinstance(text, str):
        raise ValueError(f"{text!r} is not an account id (12 digits, as a string)")
    if not _ACCOUNT.fullmatch(text):
        raise ValueError(f"{text!r} is not an account id (12 digits)")
    return text


def is_account_id(text: str) -> bool:
    return _ACCOUNT.fullmatch(text) is not None


def parse_region(text: str) -> str:
    if not _REGION.fullmatch(text):
        raise ValueError(f"{text!r} is not an AWS region name (like us-east-2)")
    return text


@record
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    @property
    def resource_type(self) -> str:
        """``role`` in ``role/path/name``; the whole resource when it has no type."""
        return re.split(r"[/:]", self.resource, maxsplit=1)[0]

    @property
    def resource_id(self) -> str:
        """``path/name`` in ``role/path/name``; empty when the resource has no type."""
        parts = re.split(r"[/:]", self.resource, maxsplit=1)
        return parts[1] if len(parts) == 2 else ""


def parse_arn(text: str) -> Arn:
    """``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE``; region and account may be empty.

    The account may also be ``aws`` (AWS managed policies: ``arn:aws:iam::aws:policy/…``).
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not an ARN")
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise ValueError(f"{text!r} is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")
    _, partition, service, region, account, resource = parts
    if partition not in PARTITIONS:
        raise ValueError(
            f"{text!r}: unknown partition {partition!r} (expected one of {', '.join(PARTITIONS)})"
        )
    if not _SERVICE.fullmatch(service):
        raise ValueError(f"{text!r}: {service!r} is not a service name")
    if region and not _REGION.fullmatch(region):
        raise ValueError(f"{text!r}: {region!r} is not a region name")
    if region and region_partition(region) != partition:
        raise ValueError(f"{text!r}: region {region} is not in partition {partition}")
    if account and account != "aws" and not _ACCOUNT.fullmatch(account):
        raise ValueError(f"{text!r}: {account!r} is not an account id (12 digits)")
    if not resource or any(ch.isspace() or ord(ch) < 0x20 for ch in resource):
        raise ValueError(f"{text!r}: the resource part is empty or contains blanks")
    return Arn(partition, service, region, account, resource)


def arn_or_none(text: str) -> Arn | None:
    """``parse_arn(text)``, or ``None`` when ``text`` is not an ARN: for names that do not come
    from the plan (an API's answer, a call's parameters), which may be a key id or an alias."""
    try:
        return parse_arn(text)
    except ValueError:
        return None


def _parse_typed_arn(text: str, service: str, what: str) -> Arn:
    arn = parse_arn(text)
    if arn.service != service:
        raise ValueError(f"{text!r} is not {what} (service {arn.service!r}, not {service!r})")
    if not arn.region:
        raise ValueError(f"{text!r} is not {what}: it has no region")
    if not _ACCOUNT.fullmatch(arn.account):
        raise ValueError(f"{text!r} is not {what}: it has no account id")
    return arn


def parse_ecr_repository_arn(text: str) -> Arn:
    """``arn:aws:ecr:REGION:ACCOUNT:repository/NAME``."""
    arn = _parse_typed_arn(text, "ecr", "an ECR repository ARN")
    name = arn.resource.removeprefix("repository/")
    if name == arn.resource or not _is_ecr_repository_name(name):
        raise ValueError(f"{text!r} is not an ECR repository ARN (…:repository/NAME)")
    return arn


def parse_kms_key_arn(text: str) -> Arn:
    """``arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`` or ``…:alias/NAME``."""
    arn = _parse_typed_arn(text, "kms", "a KMS key ARN")
    kind, _, rest = arn.resource.partition("/")
    if kind == "key" and _KMS_KEY_ID.fullmatch(rest):
        return arn
    if kind == "alias" and _KMS_ALIAS.fullmatch(arn.resource):
        return arn
    raise ValueError(f"{text!r} is not a KMS key ARN (…:key/KEY-ID or …:alias/NAME)")


def parse_model_package_group_arn(text: str) -> Arn:
    """``arn:aws:sagemaker:REGION:ACCOUNT:model-package-group/NAME``."""
    arn = _parse_typed_arn(text, "sagemaker", "a model package group ARN")
    name = arn.resource.removeprefix("model-package-group/")
    if name == arn.resource or not _GROUP_NAME.fullmatch(name):
        raise ValueError(f"{text!r} is not a model package group ARN (…:model-package-group/NAME)")
    return arn


def group_versions_arn(group_arn: str) -> str:
    """Every version of a model package group, present and future: ``…:model-package-group/NAME``
    → ``…:model-package/NAME/*`` (versions are model packages named after their group)."""
    prefix, found, name = group_arn.partition(":model-package-group/")
    if not found:
        raise ValueError(f"{group_arn!r} is not a model package group ARN")
    return f"{prefix}:model-package/{name}/*"


@record
class IamPrincipal:
    """An IAM principal ARN: ``kind`` is root, role, user or assumed-role."""

    arn: str
    partition: str
    account: str
    kind: str
    name: str | None = None  # the role or user name (for assumed-role: the role's name)
    path: str = "/"
    session: str | None = None


def _parse_path_and_name(resource_id: str, text: str) -> tuple[str, str]:
    segments = resource_id.split("/")
    name = segments[-1]
    if not _IAM_NAME.fullmatch(name):
        raise ValueError(f"{text!r}: {name!r} is not a valid IAM name")
    for segment in segments[:-1]:
        if not _IAM_PATH_SEGMENT.fullmatch(segment):
            raise ValueError(f"{text!r}: the IAM path has an empty or invalid part")
    path = "/" + "".join(f"{segment}/" for segment in segments[:-1])
    return path, name


def parse_principal_arn(text: str) -> IamPrincipal:
    """``arn:P:iam::A:root|role/…|user/…`` or ``arn:P:sts::A:assumed-role/ROLE/SESSION``."""
    arn = parse_arn(text)
    if arn.region:
        raise ValueError(f"{text!r} is not an IAM principal ARN: IAM ARNs have no region")
    if not _ACCOUNT.fullmatch(arn.account):
        raise ValueError(f"{text!r} is not an IAM principal ARN: it has no account id")
    if arn.service == "iam":
        if arn.resource == "root":
            return IamPrincipal(text, arn.partition, arn.account, "root")
        kind, _, rest = arn.resource.partition("/")
        if kind in ("role", "user") and rest:
            path, name = _parse_path_and_name(rest, text)
            return IamPrincipal(text, arn.partition, arn.account, kind, name, path)
    elif arn.service == "sts":
        parts = arn.resource.split("/")
        if len(parts) == 3 and parts[0] == "assumed-role":
            if not _IAM_NAME.fullmatch(parts[1]) or not _SESSION_NAME.fullmatch(parts[2]):
                raise ValueError(f"{text!r}: invalid role or session name")
            return IamPrincipal(
                text, arn.partition, arn.account, "assumed-role", parts[1], "/", parts[2]
            )
    raise ValueError(
        f"{text!r} is not an IAM principal ARN (arn:aws:iam::ACCOUNT:root|role/NAME|user/NAME"
        " or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)"
    )


def principal_account(text: str) -> str:
    """The account of an IAM principal ARN."""
    return parse_principal_arn(text).account


# --- ECR images ---------------------------------------------------------------------------


class NotInEcr(ValueError):
    """A well-formed image reference that is not in a private ECR registry."""


@record
class EcrImage:
    uri: str
    partition: str
    account: str
    region: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def repository_arn(self) -> str:
        return f"arn:{self.partition}:ecr:{self.region}:{self.account}:repository/{self.repository}"


def _is_ecr_repository_name(name: str) -> bool:
    return 2 <= len(name) <= 256 and _ECR_REPOSITORY.fullmatch(name) is not None


# ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn], and the dual-stack
# ACCOUNT.dkr-ecr[-fips].REGION.on.aws (ECR User Guide, "Making requests to registries").
_ECR_HOST = re.compile(
    r"(?P<account>[0-9]{12})\.dkr(?:\.ecr|-ecr)(?P<fips>-fips)?\.(?P<region>[a-z0-9-]+)"
    r"\.(?P<domain>amazonaws\.com\.cn|amazonaws\.com|on\.aws)"
)
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
# A host as docker understands one: has a dot or a port, or is localhost.
_REGISTRY_HOST = re.compile(r"(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+(?::[0-9]+)?|localhost(?::[0-9]+)?")
_DOCKER_REFERENCE = re.compile(r"[a-z0-9]+(?:[._/-][a-z0-9]+)*")


def _looks_like_ecr_host(host: str) -> bool:
    lowered = host.lower()
    return (
        ".dkr.ecr" in lowered
        or ".dkr-ecr" in lowered
        or lowered.endswith((".amazonaws.com", ".amazonaws.com.cn"))
    )


def _split_reference(rest: str, uri: str) -> tuple[str, str | None, str | None]:
    """``repo[:tag][@digest]`` → (repository, tag, digest)."""
    name, at, digest = rest.partition("@")
    if at and not _DIGEST.fullmatch(digest):
        raise ValueError(f"{uri!r}: the digest must be sha256: followed by 64 hex digits")
    repository, colon, tag = name.rpartition(":") if ":" in name else (name, "", "")
    if colon and not _TAG.fullmatch(tag):
        raise ValueError(f"{uri!r}: {tag!r} is not a valid image tag")
    return repository, (tag if colon else None), (digest if at else None)


def parse_ecr_image(uri: str) -> EcrImage:
    """Parse a private ECR image URI; ``NotInEcr`` for other registries.

    With neither tag nor digest the tag is ``latest``, as docker pulls it.
    """
    if not isinstance(uri, str) or not uri or any(ch.isspace() for ch in uri):
        raise ValueError(f"{uri!r} is not an image URI (empty or contains blanks)")
    if "://" in uri:
        raise ValueError(f"{uri!r}: an image URI has no scheme (drop {uri.split('://')[0]}://)")
    host, slash, rest = uri.partition("/")
    if not slash or not _REGISTRY_HOST.fullmatch(host):
        # No registry host: docker reads it as a Docker Hub image (python:3.11, org/image).
        _check_docker_reference(uri)
        raise NotInEcr(f"{uri!r} is a Docker Hub image, not in Amazon ECR")
    if host.lower() == "public.ecr.aws":
        raise NotInEcr(f"{uri!r} is in ECR Public, not in a private ECR registry")
    if not _looks_like_ecr_host(host):
        _check_docker_reference(rest)
        raise NotInEcr(f"{uri!r} is in registry {host}, not in Amazon ECR")
    match = _ECR_HOST.fullmatch(host.lower())
    if match is None:
        raise ValueError(
            f"{uri!r}: {host!r} is not an ECR registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com)"
        )
    region = match["region"]
    if not _REGION.fullmatch(region):
        raise ValueError(f"{uri!r}: {region!r} is not a region name")
    partition = region_partition(region)
    expected_domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    if match["domain"] not in (expected_domain, "on.aws"):
        raise ValueError(f"{uri!r}: region {region} is served by {expected_domain}")
    repository, tag, digest = _split_reference(rest, uri)
    if not _is_ecr_repository_name(repository):
        raise ValueError(f"{uri!r}: {repository!r} is not a valid ECR repository name")
    if tag is None and digest is None:
        tag = "latest"
    return EcrImage(uri, partition, match["account"], region, repository, tag, digest)


def _check_docker_reference(reference: str) -> None:
    name = reference.split("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    if not _DOCKER_REFERENCE.fullmatch(name):
        raise ValueError(f"{reference!r} is not a valid image reference")


# --- S3 -------------------------------------------------------------------------------------


@record
class S3Location:
    """A bucket and a key (the key is empty when a URI names only the bucket)."""

    bucket: str
    key: str
    uri: str
    region: str | None = None

    def bucket_arn(self, partition: str = "aws") -> str:
        return f"arn:{partition}:s3:::{self.bucket}"

    def object_arn(self, partition: str = "aws") -> str:
        return f"arn:{partition}:s3:::{self.bucket}/{self.key}"


_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
# Endpoint part of an S3 host: s3 | s3-fips | s3-REGION (legacy) | s3.REGION,
# optionally .dualstack, on amazonaws.com or amazonaws.com.cn.
_S3_ENDPOINT = (
    r"s3(?:-fips)?(?:[.-]dualstack)?(?:[.-](?P<region>" + REGION_PATTERN + r"))?"
    r"\.amazonaws\.com(?:\.cn)?"
)
_VIRTUAL_HOST = re.compile(r"(?P<bucket>.+)\." + _S3_ENDPOINT)
_PATH_HOST = re.compile(_S3_ENDPOINT)


def check_bucket_name(name: str) -> str:
    """General purpose bucket naming rules (S3 User Guide, "Bucket naming rules")."""
    if not 3 <= len(name) <= 63:
        raise ValueError(f"bucket name {name!r} must be 3 to 63 characters long")
    if not _BUCKET.fullmatch(name):
        raise ValueError(
            f"bucket name {name!r} may hold only lowercase letters, digits, dots and hyphens, "
            "and must begin and end with a letter or digit"
        )
    if ".." in name:
        raise ValueError(f"bucket name {name!r} has two adjacent dots")
    if _IPV4.fullmatch(name):
        raise ValueError(f"bucket name {name!r} is formatted as an IP address")
    if name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3")):
        raise ValueError(f"bucket name {name!r} uses a reserved prefix or suffix")
    return name


def parse_artifact_uri(uri: str, *, is_prefix: bool) -> S3Location:
    """``parse_s3_uri`` for a URI the request reads: one that is not a prefix must name an
    object, so ``s3://bucket`` and ``s3://bucket/`` (no key) are refused."""
    location = parse_s3_uri(uri)
    if not is_prefix and not location.key:
        raise ValueError(
            f"{uri!r} names the bucket {location.bucket}, not an object: give the object's "
            f"key (s3://{location.bucket}/KEY)"
        )
    return location


def parse_s3_uri(uri: str) -> S3Location:
    """``s3://bucket/key`` or an https S3 URL (virtual-hosted or path style, legacy,
    dual-stack, FIPS, China).

    Keys of https URLs are percent-decoded; keys of ``s3://`` URIs are taken literally,
    as the AWS CLI and SDKs take them.
    """
    if not isinstance(uri, str) or any(ch.isspace() for ch in uri):
        raise ValueError(f"{uri!r} is not an S3 URI (contains blanks)")
    if uri.startswith("s3://"):
        bucket, _, key = uri[len("s3://") :].partition("/")
        if bucket.startswith("arn:"):
            raise ValueError(f"{uri!r}: access point and bucket ARNs are not supported here")
        return S3Location(check_bucket_name(bucket), key, uri)
    if not uri.startswith("https://"):
        raise ValueError(f"{uri!r} is not an S3 URI (s3://BUCKET/KEY or https://…amazonaws.com/…)")
    rest = uri[len("https://") :]
    host, _, path = rest.partition("/")
    if "?" in path or "#" in path:
        raise ValueError(f"{uri!r}: query strings and fragments are not supported in S3 URLs")
    host = host.lower()
    virtual = _VIRTUAL_HOST.fullmatch(host)
    if virtual is not None and "s3-accesspoint" not in host:
        bucket, key = virtual["bucket"], path
        region = virtual["region"]
    else:
        path_style = _PATH_HOST.fullmatch(host)
        if path_style is None:
            raise ValueError(f"{uri!r} is not an S3 URL (host {host!r} is not an S3 endpoint)")
        bucket, _, key = path.partition("/")
        region = path_style["region"]
        if not bucket:
            raise ValueError(f"{uri!r} names no bucket")
    return S3Location(check_bucket_name(bucket), unquote(key), uri, region)


def looks_like_s3(value: str) -> bool:
    """True for ``s3://…`` and for https URLs whose host is an S3 endpoint."""
    if value.startswith("s3://"):
        return True
    if not value.startswith("https://"):
        return False
    host = value[len("https://") :].partition("/")[0].lower()
    return _VIRTUAL_HOST.fullmatch(host) is not None or _PATH_HOST.fullmatch(host) is not None
