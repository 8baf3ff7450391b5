/**
 * Feeds Electron's powerMonitor into a PowerState (power-state.ts) and calls back on every real change, so
 * main can pass it to the engine (sync's pause-on-battery, the scheduler's power constraints) and the tray.
 */
import { powerMonitor } from 'electron';
import {
  applyPowerSignal,
  initialPowerState,
  samePowerState,
  type PowerSignal,
  type PowerState,
} from './power-state.ts';

export function watchPower(onChange: (s: PowerState) => void): { current(): PowerState; stop(): void } {
  const thermal = process.platform === 'darwin' ? powerMonitor.getCurrentThermalState() : 'unknown';
  let state = initialPowerState(powerMonitor.isOnBatteryPower(), thermal);
  const feed = (signal: PowerSignal) => {
    const next = applyPowerSignal(state, signal);
    if (samePowerState(next, state)) return;
    state = next;
    onChange(state);
  };
  const onBattery = () => feed({ type: 'on-battery' });
  const onAc = () => feed({ type: 'on-ac' });
  const onThermal = (d: { state: string }) => feed({ type: 'thermal', state: d.state });
  const onSpeed = (d: { limit: number }) => feed({ type: 'speed-limit', limit: d.limit });
  const onSuspend = () => feed({ type: 'suspend' });
  const onResume = () => feed({ type: 'resume' });
  powerMonitor.on('on-battery', onBattery);
  powerMonitor.on('on-ac', onAc);
  powerMonitor.on('thermal-state-change', onThermal);
  powerMonitor.on('speed-limit-change', onSpeed);
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  onChange(state);
  return {
    current: () => state,
    stop() {
      powerMonitor.off('on-battery', onBattery);
      powerMonitor.off('on-ac', onAc);
      powerMonitor.off('thermal-state-change', onThermal);
      powerMonitor.off('speed-limit-change', onSpeed);
      powerMonitor.off('suspend', onSuspend);
      powerMonitor.off('resume', onResume);
    },
  };
}
