from tawasul.audit import chain
from tawasul.audit.services import audit_record


def test_sealed_chain_verifies(db):
    audit_record(action="record.read", object_type="x", object_id="1")
    assert chain.seal() == 1
    assert chain.verify().ok
