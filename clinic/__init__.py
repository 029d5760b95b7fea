"""The core every app shares, and which imports none of them (import contract "clinic-core").

Generic, patient-independent pieces: staff roles, time zones and console date inputs, the work-queue and
care-record panel registries, domain errors and their HTTP mapping, task helpers, request ids and logging,
request guards, security headers, the error pages. Rules about patients (capabilities, who may see
which record, the audit trail, the console's base admin) belong to `patients`, which sits on this.
"""
