"""Stream processors (faust agents) and the SQL read models they maintain."""
