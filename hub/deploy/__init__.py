"""Deployment on a real cluster: Strimzi and Kubernetes resources rendered from the registry.

The topics come from :mod:`hub.topics`, the Kafka users and their ACLs from
``deploy/principals.toml``; ``onewindow deploy render`` writes the generated files under
``deploy/`` and ``onewindow deploy render --check`` fails when they have drifted::

    from pathlib import Path

    from hub.deploy.principals import load_principals
    from hub.deploy.render import PRINCIPALS, drift, render
    from hub.topics import declared_topics

    topics = declared_topics()
    files = render(load_principals(PRINCIPALS, topics), topics)
    print(drift(files, Path("deploy")))  # [] when the committed files are current

``onewindow deploy validate`` checks the compose file, the kustomize output and the
Dockerfile against their published schemas and linter (:mod:`hub.deploy.validate`).
"""
