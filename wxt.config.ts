import { defineConfig } from 'wxt';

// The MV3 extension (extension/) is built by WXT from this configuration.
export default defineConfig({
  srcDir: 'extension',
  outDir: 'dist/extension',
  manifest: {
    name: 'RoamSign',
    description: 'Tandatangan digital Roaming + OTP pada skrin iGFMAS, ePerolehan dan SPEKS',
  },
});
