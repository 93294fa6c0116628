package exhibitorapp

import "github.com/ocopfair/ocopfair/pkg/apperr"

// msgNotYourProduct is the field error of a product an application lists that is not the
// applicant's own live product (another producer's, deleted or unknown).
var msgNotYourProduct = apperr.M("product_not_owned",
	"không phải sản phẩm của bạn",
	"is not one of your products")
