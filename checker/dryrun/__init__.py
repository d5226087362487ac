"""``xreg dry-run``: replay a registration end to end on emulated AWS (moto).

moto holds the state of both accounts and checks request shapes; it evaluates no resource
policy and no cross-account access. So every replayed call passes xreg's own evaluator first
(``gate``), and calls moto cannot route across accounts are sent by xreg as the resource's
account. Only the modules that talk to boto3 or moto import them, inside functions or here in
this package, never from the offline ``check`` path.
"""
