package ocop

import (
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Rating is an OCOP star rating. Only 3, 4 and 5 stars are certified. PotentialFive marks a
// 4-star product scored 90+ at the province and proposed for national evaluation ("tiềm năng 5
// sao"); it is its own flag, not a sixth star.
type Rating struct {
	Stars         int  `json:"stars"`
	PotentialFive bool `json:"potential_five_star"`
}

// The messages of rating checks.
var (
	msgStars = apperr.M("stars_not_certified",
		"phải là 3, 4 hoặc 5: chỉ sản phẩm đạt từ 3★ đến 5★ mới được công nhận OCOP",
		"must be 3, 4 or 5: only 3★ to 5★ products are OCOP certified")
	msgPotentialFive = apperr.M("potential_five_star_not_four",
		"chỉ sản phẩm 4★ mới có thể là sản phẩm tiềm năng 5 sao",
		"only a 4★ product can be a potential five-star product")
)

// Validate checks that the rating can be certified; field names are "stars" and
// "potential_five_star".
func (r Rating) Validate() error {
	var v apperr.Validation
	v.Expect(r.Stars >= 3 && r.Stars <= 5, "stars", msgStars)
	if r.PotentialFive && r.Stars != 4 {
		v.Fail("potential_five_star", msgPotentialFive)
	}
	return v.Err()
}

// Priority orders ratings for allocation and ranking: 5★ (4), potential 5★ (3), 4★ (2), 3★ (1).
func (r Rating) Priority() int {
	switch {
	case r.Stars >= 5:
		return 4
	case r.PotentialFive:
		return 3
	case r.Stars == 4:
		return 2
	case r.Stars == 3:
		return 1
	}
	return 0
}

// StarsFromScore converts an evaluation score out of 100 into stars (1..5).
func StarsFromScore(score float64) int {
	switch {
	case score >= 90:
		return 5
	case score >= 70:
		return 4
	case score >= 50:
		return 3
	case score >= 30:
		return 2
	}
	return 1
}

// Certificate validity.
const (
	// CertificateValidMonths is how long an OCOP certificate is valid from its decision.
	CertificateValidMonths = 36
	// ExpiringWithinDays marks a certificate "expiring" when fewer days than this remain.
	ExpiringWithinDays = 90
)

// CertificateStatus is derived from a certificate's expiry and the current time.
type CertificateStatus string

// The certificate statuses.
const (
	CertificateValid    CertificateStatus = "valid"
	CertificateExpiring CertificateStatus = "expiring"
	CertificateExpired  CertificateStatus = "expired"
)

// DefaultExpiry returns the expiry of a certificate issued on issued: 36 months later.
func DefaultExpiry(issued time.Time) time.Time {
	return issued.AddDate(0, CertificateValidMonths, 0)
}

// StatusAt derives a certificate's status at time now from its expiry (the first day it is no
// longer valid).
func StatusAt(expires, now time.Time) CertificateStatus {
	switch {
	case !now.Before(expires):
		return CertificateExpired
	case expires.Sub(now) < ExpiringWithinDays*24*time.Hour:
		return CertificateExpiring
	}
	return CertificateValid
}

// ValidThrough reports whether a certificate expiring at expires is still valid at the end of day
// (the whole of that day).
func ValidThrough(expires, day time.Time) bool {
	y, m, d := day.Date()
	endOfDay := time.Date(y, m, d+1, 0, 0, 0, 0, day.Location())
	return !expires.Before(endOfDay)
}
