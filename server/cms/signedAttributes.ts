import { Attribute } from '@peculiar/asn1-cms';
import { AsnArray, AsnConvert, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';

/** SignedAttributes ::= SET SIZE (1..MAX) OF Attribute (RFC 5652 §5.3), encoded on its own for signing. */
export class SignedAttributesSet extends AsnArray<Attribute> {
  constructor(items?: Attribute[]) {
    super(items);
    Object.setPrototypeOf(this, SignedAttributesSet.prototype);
  }
}
AsnType({ type: AsnTypeTypes.Set, itemType: Attribute })(SignedAttributesSet);

/**
 * DER orders a SET OF by the encodings of its members (X.690 §11.6); OpenSSL re-encodes the
 * attributes that way before checking the signature, so we must sign exactly that order.
 */
export function sortForDer(attributes: Attribute[]): Attribute[] {
  return attributes
    .map((attribute) => ({ attribute, der: Buffer.from(AsnConvert.serialize(attribute)) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((entry) => entry.attribute);
}
