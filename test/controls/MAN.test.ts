/** Cases for the manual controls (controls/MAN-*.yaml): each needs a person and says exactly which records to attach. */
import { testControl } from '../helpers/control-tester.js';

testControl('MAN-001', { manual: [{ because: /^Needs a person: attach these 3 records to the audit file\.$/ }] });
testControl('MAN-002', { manual: [{ because: /^Needs a person: attach these 2 records to the audit file\.$/ }] });
testControl('MAN-003', { manual: [{ because: /^Needs a person: attach these 3 records to the audit file\.$/ }] });
testControl('MAN-004', { manual: [{ because: /^Needs a person: attach these 2 records to the audit file\.$/ }] });
testControl('MAN-005', { manual: [{ because: /^Needs a person: attach these 3 records to the audit file\.$/ }] });
testControl('MAN-006', { manual: [{ because: /^Needs a person: attach these 3 records to the audit file\.$/ }] });
testControl('MAN-007', { manual: [{ because: /^Needs a person: attach these 2 records to the audit file\.$/ }] });
testControl('MAN-008', { manual: [{ because: /^Needs a person: attach these 3 records to the audit file\.$/ }] });
testControl('MAN-009', { manual: [{ because: /^Needs a person: attach these 3 records to the audit file\.$/ }] });
testControl('MAN-010', { manual: [{ because: /^Needs a person: attach these 3 records to the audit file\.$/ }] });
testControl('MAN-011', { manual: [{ because: /^Needs a person: attach these 3 records to the audit file\.$/ }] });
testControl('MAN-012', { manual: [{ because: /^Needs a person: attach these 2 records to the audit file\.$/ }] });
testControl('MAN-013', { manual: [{ because: /^Needs a person: attach these 2 records to the audit file\.$/ }] });
