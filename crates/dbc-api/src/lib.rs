//! dbc-api (under construction)
