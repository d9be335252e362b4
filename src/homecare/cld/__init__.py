"""The national adult social care client-level data (CLD) return, built from the store.

`spec` holds the columns, codes and rules; `build` turns a quarter of referrals,
packages and reviews into rows; `validate` checks rows as DHSC would; `routes` and
`cli` hand the CSV to council staff.
"""
