//! dbc-sim (under construction)
