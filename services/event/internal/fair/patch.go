package fair

import (
	"encoding/json"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// patchFair changes the fields given. An object of rules or terms given (eligibility, fees,
// contact) changes only the members it names, laid on the fair as it is when the change is made;
// a venue is one place, its name and address given together.
func (rt *Routes) patchFair(c *gin.Context) {
	var req fairRequest
	sent, ok := httpx.BindPatch(c, &req)
	if !ok {
		return
	}
	fields, err := req.fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	fields.Editor = editor(c)
	rt.change(c, func(Fair) string { return events.FairUpdated }, func(f Fair) (Fair, error) {
		given, err := objectsOnto(fields, f, sent)
		if err != nil {
			return Fair{}, err
		}
		return f.Update(given, Stamp(rt.Now()))
	})
}

// objectsOnto returns fields with each object the request gave (sent) laid on f's own: the
// members it does not name keep f's values.
func objectsOnto(fields Fields, f Fair, sent map[string]json.RawMessage) (Fields, error) {
	var err error
	onto := func(name string, given bool, patch func(json.RawMessage) error) {
		if raw, ok := sent[name]; ok && given && err == nil {
			err = patch(raw)
		}
	}
	onto("eligibility", fields.Eligibility != nil, func(raw json.RawMessage) error {
		e := f.Eligibility
		b, err := httpx.PatchOnto(eligibilityBody{MinStars: e.MinStars, AllowedSectors: e.AllowedSectors, AllowedProvinces: e.AllowedProvinces,
			AllowedRegions: e.AllowedRegions, MaxBoothsPerProducer: e.MaxBoothsPerProducer, ProvinceQuotas: e.ProvinceQuotas}, raw)
		fields.Eligibility = &Eligibility{MinStars: b.MinStars, AllowedSectors: b.AllowedSectors, AllowedProvinces: b.AllowedProvinces,
			AllowedRegions: b.AllowedRegions, MaxBoothsPerProducer: b.MaxBoothsPerProducer, ProvinceQuotas: b.ProvinceQuotas}
		return err
	})
	onto("fees", fields.Fees != nil, func(raw json.RawMessage) error {
		b, err := httpx.PatchOnto(feesBody{BoothPrices: f.Fees.BoothPrices, SubsidyPercent: f.Fees.SubsidyPercent, MaxSubsidisedBooths: f.Fees.MaxSubsidisedBooths}, raw)
		fields.Fees = &Fees{BoothPrices: b.BoothPrices, SubsidyPercent: b.SubsidyPercent, MaxSubsidisedBooths: b.MaxSubsidisedBooths}
		return err
	})
	onto("contact", fields.Contact != nil, func(raw json.RawMessage) error {
		b, err := httpx.PatchOnto(contactBody{Name: f.Contact.Name, Phone: f.Contact.Phone, Email: f.Contact.Email}, raw)
		fields.Contact = &Contact{Name: b.Name, Phone: b.Phone, Email: b.Email}
		return err
	})
	return fields, err
}
