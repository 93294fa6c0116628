package index

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// Synthetic fills the index with a national-scale catalogue for benchmarks: producers across
// provinces with random certifications, and products across the 26 criteria sets with random
// stars, capacities, prices and certificate expiries around now. It is seeded, so repeatable.
func (x *Index) Synthetic(producers, products int, now time.Time) error {
	r := rand.New(rand.NewPCG(1, 2))
	provinces := []string{"01", "15", "19", "31", "46", "79", "91", "92", "96", "52", "66", "68"}
	words := []string{"mật ong", "gạo", "chè", "nước mắm", "cà phê", "miến", "rượu", "bánh", "mứt", "tinh dầu", "lụa", "măng", "nấm", "tiêu", "điều"}
	certs := []string{"haccp", "iso_22000", "vietgap", "globalgap", "organic_eu"}
	apply := func(typ, id string, payload any) error {
		env, err := events.New(typ, 1, id, "", payload)
		if err == nil {
			err = x.Apply(env)
		}
		return err
	}
	for i := 0; i < producers; i++ {
		var cs []events.CertificationV1
		for _, c := range certs {
			if r.IntN(3) == 0 {
				cs = append(cs, events.CertificationV1{Code: c, Number: "1", ValidUntil: now.AddDate(1, 0, 0)})
			}
		}
		id := fmt.Sprintf("p%05d", i)
		if err := apply(events.ProducerRegistered, id, events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: id, AccountID: "acc-" + id,
			LegalName: "HTX " + id, ProvinceCode: provinces[r.IntN(len(provinces))], Region: "red_river_delta", Certifications: cs, Revision: 1}}); err != nil {
			return err
		}
	}
	for i := 0; i < products; i++ {
		id := fmt.Sprintf("x%05d", i)
		set := 1 + r.IntN(26)
		sector := "food"
		if set >= 14 && set <= 17 {
			sector = "beverage"
		}
		if err := apply(events.ProductCreated, id, events.ProductChangedV1{Product: events.ProductV1{ID: id, ProducerID: fmt.Sprintf("p%05d", r.IntN(producers)),
			NameVI: words[r.IntN(len(words))] + " đặc sản " + fmt.Sprint(i), CriteriaSet: set, Sector: sector, Stars: 3 + r.IntN(3),
			Unit: []string{"tonne", "kg", "bottle"}[r.IntN(3)], MonthlyCapacity: float64(1 + r.IntN(50)), PriceMinVND: int64(20000 + r.IntN(500000)),
			Certificate: events.CertificateV1{ExpiresOn: now.AddDate(0, r.IntN(40)-4, 0).Format(time.DateOnly)}, Revision: 1}}); err != nil {
			return err
		}
	}
	return nil
}
