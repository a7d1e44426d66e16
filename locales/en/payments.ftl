# Top-ups (issue 6). Keys start with topup- and are unique across the locale's files.
topup-amount-range = A top-up is from { $min } to { $max } { $currency } with this method.
