//! dbc-transport (under construction)
