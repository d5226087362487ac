"""The live edge: reads both AWS accounts (read-only) and turns what it reads into a plan.

Imports boto3; nothing on the offline ``xreg check`` path imports this package.
"""
