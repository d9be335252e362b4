"""Records behind the monitoring measures: staff, surveys, case studies, complaints, money."""
