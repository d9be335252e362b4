"""The monitoring return as people download it: a workbook, or CSV."""
