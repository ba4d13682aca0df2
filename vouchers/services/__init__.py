"""Every write of the voucher area, split by concept: validate, lock, change, audit.

- ``batches``: a batch's figures and the agencies taking part;
- ``applications``: 人员申报 and its decision;
- ``issue``: issuing and voiding vouchers (the batch caps);
- ``choice``: the household's choice of agency (机构筛选);
- ``redemption``: the home service that redeems a voucher (上门服务);
- ``verification``: follow-up calls and the service check (跟踪回访, 服务核查);
- ``settlement``: the agency's monthly statement and its payment;
- ``revocation``: a voucher found false by a spot check (抽查核实) is revoked, with the amount
  to recover when its money was settled.

The caps: ``issue.voucher_issue`` and ``issue.voucher_void`` lock the batch row (SELECT … FOR
UPDATE) and move its counters in the same transaction, so concurrent issues queue on the row and
the 5,001st is refused; CHECK constraints on the batch refuse any counter above the cap even if
a write slipped past these modules. One application / voucher per household and batch, one
redemption per voucher and one statement per agency and month are unique constraints.

Callers import the function from its module (``from vouchers.services.issue import
voucher_issue``); this package re-exports nothing."""
