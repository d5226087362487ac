#!/bin/sh
# The commands of xreg's fixes. Each runs in the account its comment names: run it
# with that account's credentials (AWS_PROFILE=... or an assumed role).
set -eu
cd "$(dirname "$0")"

# F-50cd: bucket policy of my-bucket (account 222222222222)
# corrects what ACTION-RESOURCE-MISMATCH found
aws s3api put-bucket-policy --bucket my-bucket --policy file://fixed-bucket-policy-my-bucket.json

# F-ee08: repository policy of arn:aws:ecr:us-east-2:222222222222:repository/decision-trees-sample (account 222222222222)
# adds 1 statement; corrects what REPOSITORY-REGISTRY-ACTION found
aws ecr set-repository-policy --registry-id 222222222222 --repository-name decision-trees-sample --region us-east-2 --policy-text file://fixed-repository-policy-decision-trees-sample.json

# F-c90f: grants of arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab (account 222222222222)
# create the grant for arn:aws:iam::111111111111:root and revoke the one that names '111111111111'
aws kms create-grant --key-id arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab --grantee-principal arn:aws:iam::111111111111:root --operations Decrypt GenerateDataKey --region us-east-2
GRANT_ID=$(aws kms list-grants --key-id arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab --region us-east-2 --query "Grants[?GranteePrincipal=='111111111111'] | [0].GrantId" --output text)
aws kms revoke-grant --key-id arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab --region us-east-2 --grant-id "$GRANT_ID"
