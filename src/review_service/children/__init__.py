"""Children: the record system's children, one local authority each."""
