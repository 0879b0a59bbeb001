"""Reading the DfE SSDA903 and CIN census files into a plan of what an import writes (issue 10).

Entry points for the wiring (service, HTTP, CLI): `plan_ssda903_import` and
`plan_cin_census_import`; both raise `ImportFileError` for a file whose structure refuses the
whole import, and yield one `ImportedChild` or `RejectedChild` per child.
"""
