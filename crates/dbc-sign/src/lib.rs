//! dbc-sign (under construction)
