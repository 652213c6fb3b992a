"""Trust: who a department is, what it may read, signed licenses, and erasure.

- :mod:`.identities`: department bearer tokens (stored hashed), rotation and revocation;
  each department's Kafka principal;
- :mod:`.agreements`: the data-sharing agreements (``hub/data/agreements.toml``) and
  ``decide()``; :mod:`.acl` derives the Kafka ACLs from them;
- :mod:`.api` plugs both into the HTTP API (``ONEWINDOW_API__TRUST=true``);
  :mod:`.sinks` enforces them where sink connectors deliver;
- :mod:`.keys`, :mod:`.signing`, :mod:`.statuslist`: Ed25519 seals of license versions
  and the W3C Bitstring Status Lists of revocation and suspension;
- :mod:`.keystore`, :mod:`.sealing`, :mod:`.erasure`: personal fields encrypted per
  person in the log (``ONEWINDOW_ENCRYPT_PERSONAL_DATA=true``) and erasure by deleting
  the key and anonymising every read model.

Deciding what a bank may see of a license::

    >>> from hub.trust.agreements import load_agreements
    >>> load_agreements().decide("BANK", "licenses", ("id_number", "name"), "account opening")
    Decision(granted_fields=('name',), masked_fields=('id_number',), refused_rule=None)
"""
