import { MetadataUpload } from './MetadataUpload.tsx';
import { TrustAnchors } from './TrustAnchors.tsx';

/** /admin/methods/trust: FIDO metadata import and custom trust anchors. */
export function PasskeyTrust() {
  return (
    <>
      <MetadataUpload />
      <TrustAnchors />
    </>
  );
}
