"""Reading infrastructure as code into the plan: ``apply_sources`` (see ``merge``).

Imported only by a plan that has ``sources:``; each reader is imported only when a source
of its kind is read.
"""
