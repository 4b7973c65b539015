import type { Frame } from 'puppeteer-core';
import { errorText, openDialog, readOtp, verificationCode, type Screen } from '../kit.js';

/** The signing dialog, as an officer sees and uses it. */
export class SignDialog {
  private constructor(readonly frame: Frame) {}

  static async open(screen: Screen): Promise<SignDialog> {
    return new SignDialog(await openDialog(screen));
  }

  verificationCode(): Promise<string> {
    return verificationCode(this.frame);
  }

  async otpFromOutbox(server: string, nric: string): Promise<string> {
    return readOtp(server, nric, await this.verificationCode());
  }

  async enter(pin: string, otp: string): Promise<void> {
    await this.frame.$eval('#rs-pin', (el) => ((el as HTMLInputElement).value = ''));
    await this.frame.type('#rs-pin', pin);
    await this.frame.$eval('#rs-otp', (el) => ((el as HTMLInputElement).value = ''));
    await this.frame.type('#rs-otp', otp);
    await this.frame.click('#rs-sign');
  }

  /** The error line once it says something. */
  error(): Promise<string> {
    return errorText(this.frame);
  }

  async waitForSuccess(): Promise<string> {
    await this.frame.waitForSelector('#rs-success');
    return this.frame.$eval('#rs-success', (el) => el.textContent!.trim());
  }

  text(selector: string): Promise<string> {
    return this.frame.$eval(selector, (el) => el.textContent!.trim());
  }
}
