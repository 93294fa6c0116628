// Package ocop holds the OCOP ("Mỗi xã một sản phẩm") reference data and rules that every service
// shares: the 34 provinces with their regions and old-name aliases, the six sectors and 26
// criteria sets with the 2019 group aliases, star ratings, certificate validity, and validation
// of GTIN-13 barcodes, tax codes and Vietnamese phone numbers.
//
// Facts that sources disagree on (province codes, region membership) are tables here, not logic,
// so that a correction is a one-line change.
package ocop
